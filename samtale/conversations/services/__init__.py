"""What happens to a conversation: planning, preparing, holding, summarizing and signing,
correcting; each a plain function that checks the policy, writes and audits."""
