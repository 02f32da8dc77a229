package opa.pipelines

# Deploy stages must name an account, and production deploys need a manual judgment first.
deny contains msg if {
	some stage in input.pipeline.stages
	stage.type == "deployManifest"
	not stage.account
	msg := sprintf("stage %q has no account", [stage.name])
}

deny contains msg if {
	some stage in input.pipeline.stages
	stage.type == "deployManifest"
	stage.account == "prod"
	not has_judgment
	msg := sprintf("stage %q deploys to prod without a manual judgment", [stage.name])
}

has_judgment if {
	some stage in input.pipeline.stages
	stage.type == "manualJudgment"
}
