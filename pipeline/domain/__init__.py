"""Pure domain: speaker attribution, topic classification and alert rules.

Nothing here does I/O, logging or asyncio; every function takes and returns plain data.
"""
