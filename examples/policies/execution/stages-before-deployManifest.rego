# Before each task of a Deploy (Manifest) stage. Rego v1 with `import rego.v1`.
package spinnaker.execution.stages.before.deployManifest

import rego.v1

role_names contains role.name if {
	some role in input.user.roles
	is_object(role)
}

role_names contains role if {
	some role in input.user.roles
	is_string(role)
}

deny contains msg if {
	input.stage.context.account in data.spinnaker_policy.production_accounts
	not "deployers" in role_names
	msg := sprintf("user %s may not deploy to production account %s: the deployers role is required", [input.user.username, input.stage.context.account])
}
