"""社情民意信息: members' opinion reports, their editing, sign-off, reporting upward, adoption and instructions."""
