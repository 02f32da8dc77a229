# UI entitlements: whether Deck shows a button. Rego v0 syntax, with the docs' idiom of
# deriving `allow` from an empty `message`.
package spinnaker.ui.entitlements.isFeatureEnabled

default allow = false

default message = ""

allow {
	message == ""
}

roles[r.name] {
	r := input.user.roles[_]
	is_object(r)
}

roles[r] {
	r := input.user.roles[_]
	is_string(r)
}

message = "Creating applications is limited to the app-admins role" {
	input.path == ["tasks"]
	input.body.job[_].type == "createApplication"
	not roles["app-admins"]
	not input.user.isAdmin
}

message = "Project configuration is limited to administrators" {
	input.path == ["projects"]
	not input.user.isAdmin
}
