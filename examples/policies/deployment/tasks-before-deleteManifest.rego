# Before a deleteManifest operation. Rego v1 with `import rego.v1`.
package spinnaker.deployment.tasks.before.deleteManifest

import rego.v1

deny contains msg if {
	input.deploy.location in data.spinnaker_policy.protected_namespaces
	msg := sprintf("deleting %q in protected namespace %s is not allowed", [input.deploy.manifestName, input.deploy.location])
}
