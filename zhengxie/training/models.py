"""学习培训: the yearly study and training plan, training classes, seminars and their papers, members' study hours."""
