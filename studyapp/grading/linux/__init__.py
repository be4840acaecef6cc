"""The hardened Linux grading helper (zygote side): stdlib + NumPy only, never imports studyapp."""
