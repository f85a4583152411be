"""What crosses a Temporal boundary: the workflow's input, state and progress, each activity's
input and output, and every name (`names`). Clients, workflows and activities import this
package and never each other, so the contract between them is read in one place.

Plain pydantic models over the definition API's data types; nothing here does I/O.
"""
