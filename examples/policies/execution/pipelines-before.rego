# Runtime validation before a pipeline starts (Orca). Rego v0 syntax, as Armory-era
# policies were written. Also defines the optional `response` object of the usage guide.
package spinnaker.execution.pipelines.before

deny[msg] {
	frozen := data.spinnaker_policy.frozen_applications[_]
	input.pipeline.application == frozen
	msg := sprintf("application %s is in a change freeze; pipeline %q may not start", [frozen, input.pipeline.name])
}

deny["dry runs must not be triggered by webhooks"] {
	input.pipeline.trigger.type == "webhook"
	input.pipeline.trigger.dryRun == true
}

response = {"allowed": count(deny) == 0, "errors": deny}
