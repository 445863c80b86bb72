"""Scripts run by an SDK environment's interpreter; they import nothing of ours."""
