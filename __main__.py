"""Pulumi entry point (thin): see program.py."""
import program

program.main()
