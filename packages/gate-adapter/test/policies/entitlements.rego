# Test UI entitlements policy, Rego v0 syntax (the docs' idiom: allow from an empty message).
package spinnaker.ui.entitlements.isFeatureEnabled

default allow = false

default message = ""

allow {
	message == ""
}

message = "Creating applications is limited to the app-admins role" {
	input.method == "POST"
	input.path == ["tasks"]
	input.body.job[_].type == "createApplication"
	not app_admin
}

app_admin {
	input.user.roles[_].name == "app-admins"
}
