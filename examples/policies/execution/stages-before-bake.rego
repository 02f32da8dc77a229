# Before each task of a Bake stage. Rego v0 syntax.
package spinnaker.execution.stages.before.bake

approved_os[os] {
	os := data.spinnaker_policy.approved_base_os[_]
}

deny[msg] {
	not approved_os[input.stage.context.baseOs]
	msg := sprintf("base OS %q is not approved for baking (approved: %v)", [input.stage.context.baseOs, data.spinnaker_policy.approved_base_os])
}
