"""Agent-based simulation of defense cooperation agreements, built on Mesa."""
