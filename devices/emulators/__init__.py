"""The far end of each device over a real transport: pty, vpcd card, TCP 9100.

Sample people here are fictitious; their ID numbers carry valid check digits only so that
validators accept them.
"""
