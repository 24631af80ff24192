using System.Text.Json.Nodes;
using CsCheck;

namespace KubeLab.Simulator.Tests.Fuzz;

/// <summary>A PATCH body of one of the four patch types, more or less well aimed at the object's fields.</summary>
public sealed record FuzzPatch(string ContentType, string Body, string Query);

public static class PatchGen
{
    public const string JsonPatch = "application/json-patch+json";
    public const string MergePatch = "application/merge-patch+json";
    public const string StrategicMergePatch = "application/strategic-merge-patch+json";
    public const string ApplyPatch = "application/apply-patch+yaml";

    public static Gen<FuzzPatch> For(FuzzKind kind, string name) => Gen.OneOf<FuzzPatch>(JsonPatchOf(kind), MergeOf(kind, MergePatch), MergeOf(kind, StrategicMergePatch), ApplyOf(kind, name));

    /// <summary>RFC 6902 operations: real and made-up op names, pointers into the object (escaped, appending, out of range) and anywhere.</summary>
    private static Gen<FuzzPatch> JsonPatchOf(FuzzKind kind)
    {
        var pointer = Gen.OneOf<string>(
            Gen.OneOf([.. kind.Paths, .. FuzzKind.CommonPaths]).Select(ToPointer),
            Gen.OneOf("", "/", "/-", "/metadata/labels/a~1b", "/metadata/labels/~2", "/spec/containers/-", "/spec/containers/99",
                "/spec/template/spec/containers/-", "/spec/template/spec/containers/0/env/-", "/data/new", "/metadata/finalizers/-", "no-slash"));
        var op =
            from name in Gen.OneOf("add", "remove", "replace", "move", "copy", "test", "ADD", "bogus", "")
            from path in pointer
            from source in pointer
            from value in JsonGen.Value
            from shape in Gen.Int[0, 9]
            select (JsonNode)(shape switch
            {
                0 => new JsonObject { ["op"] = name }, // no path
                1 => new JsonObject { ["op"] = name, ["path"] = JsonValue.Create(3) },
                _ => new JsonObject { ["op"] = name, ["path"] = path, ["from"] = source, ["value"] = JsonGen.Tame(value) },
            });
        var body = Gen.Frequency(
            (8, op.Array[0, 4].Select(ops => new JsonArray([.. ops]).ToJsonString())),
            (1, JsonGen.Value.Select(v => v?.ToJsonString() ?? "null")));
        return body.Select(b => new FuzzPatch(JsonPatch, b, ""));
    }

    /// <summary>A sparse object setting or nulling paths (strategic: with $patch / $retainKeys / $setElementOrder directives sprinkled in).</summary>
    private static Gen<FuzzPatch> MergeOf(FuzzKind kind, string contentType)
    {
        var directive = Gen.OneOf(
            ("$patch", (JsonNode?)"delete"), ("$patch", "replace"), ("$patch", "merge"), ("$patch", "bogus"), ("$retainKeys", new JsonArray("name")),
            ("$setElementOrder/containers", new JsonArray(new JsonObject { ["name"] = "c" })), ("$deleteFromPrimitiveList/finalizers", new JsonArray("x")),
            ("$retainKeys", "notalist"));
        var edit =
            from path in Gen.OneOf([.. kind.Paths, .. FuzzKind.CommonPaths])
            from value in JsonGen.Value
            from addDirective in Gen.Int[0, 4].Select(i => contentType == StrategicMergePatch && i == 0)
            from d in directive
            select (path, value, addDirective ? d : default);
        var body = Gen.Frequency(
            (8, edit.Array[0, 4].Select(edits =>
            {
                var patch = new JsonObject();
                foreach (var (path, value, (key, dv)) in edits)
                {
                    JsonGen.Set(patch, path, value);
                    if (key is not null) JsonGen.Set(patch, path.Contains('.') ? path[..path.LastIndexOf('.')] + "." + key : key, dv?.DeepClone());
                }
                return JsonGen.Tame(patch)!.ToJsonString();
            })),
            (1, JsonGen.Value.Select(v => v?.ToJsonString() ?? "null")));
        return body.Select(b => new FuzzPatch(contentType, b, ""));
    }

    /// <summary>Server-side apply of a whole (corrupted) manifest, with or without a field manager and force.</summary>
    private static Gen<FuzzPatch> ApplyOf(FuzzKind kind, string name) =>
        from edits in (from path in Gen.OneOf([.. kind.Paths, .. FuzzKind.CommonPaths]) from value in JsonGen.Value select (path, value)).Array[0, 3]
        from query in Gen.OneOf("?fieldManager=fz", "?fieldManager=fz&force=true", "?fieldManager=other", "", "?fieldManager=fz&force=maybe")
        select new FuzzPatch(ApplyPatch, Apply(kind, name, edits), query);

    private static string Apply(FuzzKind kind, string name, (string Path, JsonNode? Value)[] edits)
    {
        var doc = kind.Valid(name);
        foreach (var (path, value) in edits) JsonGen.Set(doc, path, value);
        return JsonGen.Tame(doc)!.ToJsonString();
    }

    private static string ToPointer(string dotted) =>
        "/" + string.Join('/', dotted.Split('.').Select(p => p.StartsWith('#') ? p[1..] : p.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));
}
