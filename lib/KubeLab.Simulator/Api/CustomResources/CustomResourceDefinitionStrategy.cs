using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.CustomResources;

/// <summary>
/// The CRD registry's strategy and defaults (apiextensions-apiserver pkg/registry/customresourcedefinition/strategy.go, etcd.go;
/// pkg/apis/apiextensions/v1/defaults.go).
/// </summary>
public static class CustomResourceDefinitionStrategy
{
    public const string CleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";

    /// <summary>PrepareForCreate: a fresh status with empty accepted names and the storage version as the only stored one.</summary>
    public static void PrepareForCreate(JsonObject crd)
    {
        crd["status"] = new JsonObject
        {
            ["acceptedNames"] = new JsonObject { ["plural"] = "", ["kind"] = "" },
            ["storedVersions"] = new JsonArray(),
        };
    }

    /// <summary>SetDefaults_CustomResourceDefinitionSpec, and the storage version recorded in status.storedVersions.</summary>
    public static void Default(JsonObject crd)
    {
        if (crd["spec"] is not JsonObject spec) return;
        if (spec["names"] is JsonObject names && names.Str("kind") is { Length: > 0 } kind)
        {
            if (names.Str("singular") is not { Length: > 0 }) names["singular"] = kind.ToLowerInvariant();
            if (names.Str("listKind") is not { Length: > 0 }) names["listKind"] = kind + "List";
        }
        spec["conversion"] ??= new JsonObject { ["strategy"] = "None" };
        var storage = (spec["versions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(v => v["storage"] is JsonValue s && s.TryGetValue<bool>(out var b) && b)?.Str("name");
        if (storage is null) return;
        if (crd["status"] is not JsonObject status) crd["status"] = status = new JsonObject();
        if (status["storedVersions"] is not JsonArray stored) status["storedVersions"] = stored = new JsonArray();
        if (!stored.Any(v => v?.ToString() == storage)) stored.Add(storage);
    }

    /// <summary>etcd.go Delete: the first DELETE adds the cleanup finalizer and the Terminating condition.</summary>
    public static void BeginDelete(JsonObject crd, List<string> finalizers, string now)
    {
        if (crd.IsDeleting()) return;
        if (!finalizers.Contains(CleanupFinalizer)) finalizers.Add(CleanupFinalizer);
        CrdConditions.Set(crd, "Terminating", "True", "InstanceDeletionPending",
            "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon", now);
    }
}
