"""What every client and worker of these runs shares: how to reach Temporal (`options`), the
data converter (`converter`), where large payloads go (`payload_storage`) and the item store
long runs keep their segments in (`item_store`). Outside `workflows/`, since all of it does
I/O; clients and activities import it, workflows never do."""
