"""Command-line interface: argument parsing and printing only; work is done by the stages."""
