"""Agent specs for the decision tests: plain data, as the worker's registry resolves them."""

from durable_agents.spec import AgentSpec, HandoffSpec, RunSpecs, ToolSpec

TRIAGE = AgentSpec(
    name="triage",
    tools=[ToolSpec(name="lookup"), ToolSpec(name="refund")],
    handoffs=[
        HandoffSpec(tool_name="transfer_to_billing", target_agent="billing"),
        HandoffSpec(tool_name="transfer_to_sales", target_agent="sales"),
    ],
)
BILLING = AgentSpec(name="billing")
SALES = AgentSpec(name="sales")
OFFERED = ["lookup", "refund", "transfer_to_billing", "transfer_to_sales"]


def run_specs(**fields) -> RunSpecs:
    return RunSpecs(agents={a.name: a for a in (TRIAGE, BILLING, SALES)}, **fields)
