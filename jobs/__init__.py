"""The scheduled passes and the recap documents they produce."""
