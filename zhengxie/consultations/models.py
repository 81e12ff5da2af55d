"""协商: topic suggestions, the annual consultation plan (年度协商计划) with its recorded approval steps
and versions, and each consultation's stages."""
