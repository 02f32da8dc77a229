# Before each task of a Webhook stage. Rego v0 syntax.
package spinnaker.execution.stages.before.webhook

deny[msg] {
	url := input.stage.context.url
	not startswith(url, "https://")
	msg := sprintf("webhook %q must use https", [url])
}
