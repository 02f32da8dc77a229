# API authorization for Gate. Rego v1 with `import rego.v1`.
# Deny by default; admins may do anything; everyone else is allowed unless a rule in
# `violations` objects, and the objections become the message shown to the caller.
package spinnaker.http.authz

import rego.v1

default allow := false

allow if input.user.isAdmin == true

allow if {
	not input.user.isAdmin == true
	count(violations) == 0
}

message := concat("; ", sort(violations)) if {
	not input.user.isAdmin == true
	count(violations) > 0
}

role_names contains role.name if {
	some role in input.user.roles
	is_object(role)
}

role_names contains role if {
	some role in input.user.roles
	is_string(role)
}

# Task jobs: `body.job` in Gate; the usage guide's example spells it `body.jobs`.
jobs contains job if some job in input.body.job

jobs contains job if some job in input.body.jobs

manifest_tasks := {"deployManifest", "deleteManifest", "scaleManifest", "undoRolloutManifest", "patchManifest"}

application_tasks := {"createApplication", "updateApplication", "deleteApplication"}

violations contains msg if {
	input.method == "POST"
	input.path == ["tasks"]
	some job in jobs
	job.type in manifest_tasks
	not "deployers" in role_names
	msg := sprintf("%s requires the deployers role", [job.type])
}

violations contains msg if {
	input.method == "POST"
	input.path == ["tasks"]
	some job in jobs
	job.type in application_tasks
	not "app-admins" in role_names
	msg := sprintf("%s requires the app-admins role", [job.type])
}

violations contains "saving pipelines requires the pipeline-editors role" if {
	input.method in {"POST", "PUT"}
	input.path[0] == "pipelines"
	not "pipeline-editors" in role_names
}

violations contains "only administrators may delete applications" if {
	input.method == "DELETE"
	input.path[0] == "applications"
}
