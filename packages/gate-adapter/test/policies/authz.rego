# Test policy for the gate-adapter suite (Rego v1 with `import rego.v1`).
package spinnaker.http.authz

import rego.v1

default allow := false

roles contains r.name if some r in input.user.roles

allow if input.user.isAdmin

allow if {
	not input.user.isAdmin
	count(violations) == 0
	permitted
}

# Reads are open except under /secrets.
permitted if {
	input.method == "GET"
	not input.path[0] == "secrets"
}

permitted if {
	input.method == "POST"
	input.path == ["tasks"]
}

permitted if {
	input.method == "POST"
	input.path == ["echo"]
}

# Identity-based webhook policy (needs forceAuthentication on /webhooks/secure/**).
permitted if {
	input.method == "POST"
	input.path[0] == "webhooks"
	input.path[1] == "secure"
	"deployers" in roles
}

task_roles := {"deployManifest": "deployers", "createApplication": "app-admins"}

violations contains msg if {
	input.method == "POST"
	input.path == ["tasks"]
	some job in input.body.job
	needed := task_roles[job.type]
	not needed in roles
	msg := sprintf("%s requires the %s role", [job.type, needed])
}

violations contains "the body asked to be denied" if {
	input.method == "POST"
	input.body.deny == true
}

# `__proto__` is a plain key of the body: the policy sees it like any other key.
violations contains "the body's __proto__ key asked to be denied" if {
	input.method == "POST"
	input.body.__proto__.deny == true
}

message := concat("; ", sort(violations)) if count(violations) > 0

message := sprintf("%s /%s is not permitted", [input.method, concat("/", input.path)]) if {
	count(violations) == 0
	not allow
}
