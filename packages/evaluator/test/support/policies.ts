/** Small Rego modules used across tests, in v0 and v1 syntax. */

export const V1_PIPELINES = `package opa.pipelines

import rego.v1

deny contains msg if {
  some stage in input.pipeline.stages
  stage.type == "deployManifest"
  not input.pipeline.application in data.roles.trusted
  msg := sprintf("application %s may not deploy manifests", [input.pipeline.application])
}
`;

export const V0_AUTHZ = `package spinnaker.http.authz

default allow = false

allow {
  input.user.isAdmin == true
}

message = "admins only" {
  not allow
}
`;

export const V0_EXEC = `package spinnaker.execution.pipelines.before

deny["no executions on Friday"] {
  input.day == "friday"
}
`;

export const V1_EXEC_STAGE = `package spinnaker.execution.stages.before.deployManifest

deny contains "blocked" if input.blocked == true
`;
