using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Api.Printing;

/// <summary>A Table column definition; priority 1 columns are the ones kubectl shows only with <c>-o wide</c>.</summary>
public sealed record TableColumn(string Name, string Type = "string", string Format = "", int Priority = 0, string Description = "")
{
    public JsonObject ToJson() => new()
    {
        ["name"] = Name, ["type"] = Type, ["format"] = Format, ["description"] = Description, ["priority"] = Priority,
    };

    public static TableColumn NameColumn { get; } = new("Name", "string", "name", 0, "Name must be unique within a namespace.");
    public static TableColumn Age { get; } = new("Age", "string", "", 0, "CreationTimestamp is a timestamp representing the server time when this object was created.");
    public static TableColumn Wide(string name) => new(name, "string", "", 1);
    public static TableColumn Int(string name) => new(name, "integer");
}
