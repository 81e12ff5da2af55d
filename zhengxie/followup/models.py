"""成果转化: outcome documents (成果文件), their recommendations (建议) and each recommendation's dated
progress, from every source (consultation, supervision, key proposals, research reports, online
deliberation)."""
