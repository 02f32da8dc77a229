# Before an undoRolloutManifest operation. Rego v0 syntax.
package spinnaker.deployment.tasks.before.undoRolloutManifest

deny[msg] {
	input.deploy.numRevisionsBack > data.spinnaker_policy.max_revisions_back
	msg := sprintf("rolling back %d revisions is more than the allowed %d", [input.deploy.numRevisionsBack, data.spinnaker_policy.max_revisions_back])
}
