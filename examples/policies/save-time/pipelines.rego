# Save-time validation (Front50): every pipeline configuration is checked when it is
# created or updated. Rego v1, without `import rego.v1`.
package opa.pipelines

production_accounts := {a | some a in data.spinnaker_policy.production_accounts}

has_manual_judgment if {
	some stage in input.pipeline.stages
	stage.type == "manualJudgment"
}

# Deploying to a production account needs a Manual Judgment stage in the pipeline.
deny contains msg if {
	some stage in input.pipeline.stages
	stage.type in {"deployManifest", "createServerGroup", "cloneServerGroup"}
	stage.account in production_accounts
	not has_manual_judgment
	msg := sprintf("stage %q deploys to production account %q, but the pipeline has no Manual Judgment stage", [stage.name, stage.account])
}

# Git triggers may only fire from protected branches.
deny contains msg if {
	some trigger in input.pipeline.triggers
	trigger.type == "git"
	trigger.enabled == true
	not trigger.branch in data.spinnaker_policy.protected_branches
	msg := sprintf("git trigger on %s/%s fires from branch %q; only %v are allowed", [trigger.project, trigger.slug, trigger.branch, data.spinnaker_policy.protected_branches])
}
