using System.Text.Json.Nodes;

namespace KubeLab.Manifests;

/// <summary>One non-empty YAML document of a manifest, converted to JSON, with where it started.</summary>
internal sealed record ManifestDocument(int Index, int Line, JsonObject Body)
{
    public string? ApiVersion => Body["apiVersion"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)Body["apiVersion"] : null;
    public string? Kind => Body["kind"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)Body["kind"] : null;
    public string? Name => Metadata?["name"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)Metadata["name"] : null;
    public string? Namespace => Metadata?["namespace"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)Metadata["namespace"] : null;
    public JsonObject? Metadata => Body["metadata"] as JsonObject;

    /// <summary>"apps" and "v1" from "apps/v1"; "" and "v1" from "v1".</summary>
    public (string Group, string Version) GroupVersion()
    {
        var av = ApiVersion ?? "";
        var slash = av.IndexOf('/');
        return slash < 0 ? ("", av) : (av[..slash], av[(slash + 1)..]);
    }
}
