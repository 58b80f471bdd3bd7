"""Hand-built IR projects for the emitter, report and CLI tests (no scanner involved)."""

from __future__ import annotations

from pathlib import Path

from converters.ir import (
    AgentNode,
    ArrayValue,
    CallValue,
    EnvValue,
    FunctionValue,
    Loc,
    MastraNode,
    McpClientNode,
    MemoryNode,
    ModelSpec,
    NumberValue,
    ObjectValue,
    Opaque,
    Project,
    RefValue,
    SourceFile,
    StringValue,
    TemplateValue,
    ToolNode,
    WorkflowNode,
)

AGENT_FILE = "src/mastra/agents/weather-agent.ts"
TOOL_FILE = "src/mastra/tools/weather-tool.ts"
INDEX_FILE = "src/mastra/index.ts"
WORKFLOW_FILE = "src/mastra/workflows/weather-workflow.ts"
PROMPT = "src/mastra/prompts/weather.md"

TOOL_SOURCE = """createTool({
  id: 'get-weather',
  execute: async ({ context }) => {
    return await getWeather(context.location);
  },
})"""


def loc(file: str, line: int, column: int = 1) -> Loc:
    """A location."""
    return Loc(file=file, line=line, column=column)


def weather_project(root: Path) -> Project:
    """The classic weather agent, with a bit of everything the emitter handles.

    Writes package.json, the sources the placeholders quote, and the prompt file under ``root``.
    """
    (root / "src/mastra/prompts").mkdir(parents=True, exist_ok=True)
    (root / "src/mastra/workflows").mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text('{"name": "@acme/weather-bot", "version": "1.2.0"}')
    (root / PROMPT).write_text("You are a weather assistant.\nBe brief.\n")
    (root / WORKFLOW_FILE).write_text(
        "import { createWorkflow } from '@mastra/core/workflows';\n"
        "export const weatherWorkflow = createWorkflow({\n"
        "  id: 'weather-workflow',\n"
        "}).commit();\n"
    )
    execute = FunctionValue(
        params=["{ context }"],
        is_async=True,
        source=TOOL_SOURCE.split("execute: ", 1)[1].rsplit(",", 1)[0],
        body_source="return await getWeather(context.location);",
        loc=loc(TOOL_FILE, 12, 12),
    )
    tool = ToolNode(
        binding="weatherTool",
        file=TOOL_FILE,
        exported=True,
        id=StringValue(value="get-weather"),
        description=StringValue(value="Get current weather for a location"),
        execute=execute,
        execute_style="0.x",
        loc=loc(TOOL_FILE, 5, 27),
    )
    agent = AgentNode(
        binding="weatherAgent",
        file=AGENT_FILE,
        exported=True,
        id=StringValue(value="weather-agent"),
        name=StringValue(value="Weather Agent"),
        description=StringValue(value='Answers "what is the weather" questions'),
        instructions=TemplateValue(
            parts=[
                StringValue(value="You are a helpful weather assistant for "),
                EnvValue(name="COMPANY", default=StringValue(value="ACME"), default_op="??"),
                StringValue(value=".\n\nAlways answer in {units}.\n"),
            ]
        ),
        model=ModelSpec(
            form="provider_call",
            provider="openai",
            model_id=StringValue(value="gpt-4o-mini"),
            source="openai('gpt-4o-mini')",
            loc=loc(AGENT_FILE, 9, 10),
        ),
        tools={"weatherTool": RefValue(name="weatherTool", target=f"{TOOL_FILE}#weatherTool")},
        memory=MemoryNode(file=AGENT_FILE, loc=loc(AGENT_FILE, 11, 11)),
        default_options=ObjectValue(
            entries={"maxSteps": NumberValue(value=3), "temperature": NumberValue(value=0.2)},
            loc=loc(AGENT_FILE, 12, 19),
        ),
        loc=loc(AGENT_FILE, 4, 29),
    )
    prompt_agent = AgentNode(
        binding="promptAgent",
        file=AGENT_FILE,
        id=StringValue(value="prompt-agent"),
        instructions=CallValue(
            callee="readFileSync",
            module="node:fs",
            args=[StringValue(value="src/mastra/prompts/weather.md"), StringValue(value="utf-8")],
            source="readFileSync('src/mastra/prompts/weather.md', 'utf-8')",
            loc=loc(AGENT_FILE, 20, 17),
        ),
        model=ModelSpec(
            form="provider_call",
            provider="openai",
            model_id=StringValue(value="gpt-4o"),
            settings={
                "baseURL": EnvValue(name="OPENAI_BASE_URL"),
                "apiKey": EnvValue(name="OPENAI_API_KEY"),
            },
            api="chat",
            source="createOpenAI({ baseURL: process.env.OPENAI_BASE_URL, apiKey: ... }).chat('gpt-4o')",
            loc=loc(AGENT_FILE, 21, 10),
        ),
        agents={"weather": RefValue(name="weatherAgent", target=f"{AGENT_FILE}#weatherAgent")},
        loc=loc(AGENT_FILE, 19, 28),
    )
    dynamic_agent = AgentNode(
        binding="dynamicAgent",
        file=AGENT_FILE,
        name=StringValue(value="Dynamic"),
        instructions=FunctionValue(
            params=["{ requestContext }"],
            source="({ requestContext }) => {\n  const tier = requestContext.get('tier');\n  return `You serve ${tier} users.`;\n}",
            body_source="",
            loc=loc(AGENT_FILE, 30, 17),
        ),
        model=ModelSpec(
            form="dynamic",
            function=FunctionValue(
                params=["{ requestContext }"],
                # pickModel is not defined anywhere: the translator leaves the TODO (LM253)
                source="({ requestContext }) => pickModel(requestContext)",
                body_source="",
            ),
            source="({ requestContext }) => pickModel(requestContext)",
            loc=loc(AGENT_FILE, 33, 10),
        ),
        tools_source=Opaque(
            source="await mcp.listTools()", reason="await", loc=loc(AGENT_FILE, 34, 10)
        ),
        other_options={
            "scorers": Opaque(source="{ relevancy }", reason="x", loc=loc(AGENT_FILE, 35, 12))
        },
        loc=loc(AGENT_FILE, 29, 29),
    )
    router_agent = AgentNode(
        binding="routerAgent",
        file=AGENT_FILE,
        id=StringValue(value="router"),
        instructions=ArrayValue(
            items=[StringValue(value="Be kind."), StringValue(value="Be brief.")]
        ),
        model=ModelSpec(
            form="router",
            model_id=TemplateValue(
                parts=[
                    EnvValue(name="PROVIDER", default=StringValue(value="openai"), default_op="||"),
                    StringValue(value="/gpt-4o"),
                ]
            ),
            source="`${process.env.PROVIDER || 'openai'}/gpt-4o`",
            loc=loc(AGENT_FILE, 41, 10),
        ),
        loc=loc(AGENT_FILE, 40, 28),
    )
    workflow = WorkflowNode(
        binding="weatherWorkflow",
        file=WORKFLOW_FILE,
        generation="1.x",
        id=StringValue(value="weather-workflow"),
        loc=Loc(file=WORKFLOW_FILE, line=2, column=32, end_line=4, end_column=12),
    )
    mcp = McpClientNode(
        binding="mcp",
        file=INDEX_FILE,
        class_name="MCPClient",
        loc=loc(INDEX_FILE, 8, 20),
    )
    mastra = MastraNode(
        binding="mastra",
        file=INDEX_FILE,
        agents={
            "weatherAgent": RefValue(name="weatherAgent", target=f"{AGENT_FILE}#weatherAgent"),
            "promptAgent": RefValue(name="promptAgent", target=f"{AGENT_FILE}#promptAgent"),
        },
        workflows={
            "weatherWorkflow": RefValue(
                name="weatherWorkflow", target=f"{WORKFLOW_FILE}#weatherWorkflow"
            )
        },
        storage=Opaque(source="new LibSQLStore({ url: ':memory:' })", reason="storage"),
        other_options={"logger": Opaque(source="new PinoLogger()", reason="logger")},
        loc=loc(INDEX_FILE, 12, 24),
    )
    files = [
        SourceFile(path=p, language="ts", size=100, sha256="0" * 64)
        for p in (AGENT_FILE, TOOL_FILE, INDEX_FILE, WORKFLOW_FILE)
    ]
    return Project(
        root=str(root),
        mastra_version="^1.0.0",
        api_generation="1.x",
        version_reason="package.json depends on @mastra/core ^1.0.0",
        files=files,
        tools=[tool],
        agents=[agent, prompt_agent, dynamic_agent, router_agent],
        workflows=[workflow],
        mcp_clients=[mcp],
        mastra=mastra,
        assets=[PROMPT],
    )
