"""Generated from proto/ by scripts/gen-python.sh: do not edit."""
