# Before a deployManifest operation reaches the cloud provider. Rego v0 syntax.
package spinnaker.deployment.tasks.before.deployManifest

containers[c] {
	c := input.deploy.manifests[_].spec.template.spec.containers[_]
}

deny[msg] {
	c := containers[_]
	endswith(c.image, ":latest")
	msg := sprintf("container %s uses the mutable tag :latest (%s)", [c.name, c.image])
}

deny[msg] {
	c := containers[_]
	not contains(c.image, ":")
	msg := sprintf("container %s has an untagged image (%s)", [c.name, c.image])
}

deny[msg] {
	m := input.deploy.manifests[_]
	m.metadata.namespace == data.spinnaker_policy.protected_namespaces[_]
	msg := sprintf("%s %s may not be deployed into protected namespace %s", [m.kind, m.metadata.name, m.metadata.namespace])
}
