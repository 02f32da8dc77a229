# Right after a Wait stage ran (an after-stage hook). Rego v0 syntax.
# A wait may hold a pipeline at most data.spinnaker_policy.max_wait_seconds.
package spinnaker.execution.stages.after.wait

deny[msg] {
	waited := input.stage.context.waitTime
	is_number(waited)
	limit := data.spinnaker_policy.max_wait_seconds
	waited > limit
	msg := sprintf("stage %q waited %v s; a wait may hold a pipeline at most %v s", [input.stage.name, waited, limit])
}
