using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Api.Printing;

/// <summary>Columns and row function for one kind (a handler in pkg/printers/internalversion/printers.go).</summary>
public sealed record KindPrinter(IReadOnlyList<TableColumn> Columns, Func<JsonObject, DateTimeOffset, IReadOnlyList<JsonNode?>> Row);
