"""Scripts that run inside an upstream environment. They import nothing of ours (it is not installed there)."""
