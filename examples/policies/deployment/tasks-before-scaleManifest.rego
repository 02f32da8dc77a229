# Before a scaleManifest operation. Rego v1.
package spinnaker.deployment.tasks.before.scaleManifest

deny contains msg if {
	input.deploy.replicas > data.spinnaker_policy.max_replicas
	msg := sprintf("scaling %s to %d replicas exceeds the limit of %d", [input.deploy.manifestName, input.deploy.replicas, data.spinnaker_policy.max_replicas])
}
