using System.Text.Json.Nodes;
using k8s.Models;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Validation;

/// <summary>
/// pkg/apis/core/validation (1.32) ValidatePersistentVolumeClaimSpec, ValidatePersistentVolumeSpec and
/// ValidatePersistentVolumeClaimUpdate, in upstream order and wording. The update error's trailing cmp.Diff of the two specs is
/// not reproduced (only its first line).
/// </summary>
internal static class PersistentVolumeValidation
{
    private static readonly string[] AccessModes = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];
    private static readonly string SupportedAccessModes = string.Join(", ", AccessModes.Select(Q));

    public static void ValidateClaim(JsonObject pvc, List<FieldError> errors)
    {
        if (pvc["spec"] is not JsonObject spec) { errors.Add(FieldError.Required("spec.accessModes", "at least 1 access mode is required")); return; }
        var modes = Strings(spec["accessModes"]);
        if (modes.Count == 0) errors.Add(FieldError.Required("spec.accessModes", "at least 1 access mode is required"));
        ValidateAccessModes(modes, errors);
        var storage = spec.Path("resources.requests")?.Str("storage");
        if (storage is null) errors.Add(FieldError.Required("spec.resources[storage]"));
        else if (!Positive(storage)) errors.Add(FieldError.Invalid("spec.resources[storage]", Q(storage), "must be greater than zero"));
        if (spec.Str("volumeMode") is { } mode && mode is not ("Block" or "Filesystem"))
            errors.Add(new FieldError("spec.volumeMode", "FieldValueNotSupported", "supported values: \"Block\", \"Filesystem\"", Q(mode)));
    }

    public static void ValidateVolume(JsonObject pv, List<FieldError> errors)
    {
        var spec = pv["spec"] as JsonObject ?? new JsonObject();
        var modes = Strings(spec["accessModes"]);
        if (modes.Count == 0) errors.Add(FieldError.Required("spec.accessModes"));
        ValidateAccessModes(modes, errors);
        var storage = spec["capacity"].Str("storage");
        if (spec["capacity"] is not JsonObject { Count: > 0 }) errors.Add(FieldError.Required("spec.capacity"));
        else if (storage is not null && !Positive(storage)) errors.Add(FieldError.Invalid("spec.capacity[storage]", Q(storage), "must be greater than zero"));
        if (spec.Str("persistentVolumeReclaimPolicy") is { Length: > 0 } policy && policy is not ("Delete" or "Recycle" or "Retain"))
            errors.Add(new FieldError("spec.persistentVolumeReclaimPolicy", "FieldValueNotSupported", "supported values: \"Delete\", \"Recycle\", \"Retain\"", Q(policy)));
        string[] sources = ["hostPath", "local", "nfs", "csi", "iscsi", "fc", "cephfs", "rbd", "glusterfs", "azureFile", "azureDisk", "gcePersistentDisk", "awsElasticBlockStore"];
        if (!sources.Any(s => spec[s] is JsonObject)) errors.Add(FieldError.Required("spec", "must specify a volume type"));
        if (spec.Path("hostPath.path") is null && spec["hostPath"] is JsonObject) errors.Add(FieldError.Required("spec.hostPath.path"));
        if (spec["local"] is JsonObject && spec["nodeAffinity"] is null)
            errors.Add(FieldError.Required("spec.nodeAffinity", "Local volume requires node affinity"));
    }

    /// <summary>ValidatePersistentVolumeClaimUpdate: the spec is frozen except volumeName once, and requests of a bound claim.</summary>
    public static void ValidateClaimUpdate(JsonObject oldPvc, JsonObject newPvc, List<FieldError> errors)
    {
        var oldSpec = (oldPvc["spec"] as JsonObject)?.CloneObject() ?? new JsonObject();
        var newSpec = (newPvc["spec"] as JsonObject)?.CloneObject() ?? new JsonObject();
        if (string.IsNullOrEmpty(oldSpec.Str("volumeName"))) oldSpec["volumeName"] = newSpec["volumeName"]?.DeepClone();
        if (oldSpec.Str("volumeName") is null) oldSpec.Remove("volumeName");
        if (newSpec.Str("volumeName") is null) newSpec.Remove("volumeName");
        if (oldPvc.Path("status.phase")?.ToString() == "Bound")
        {
            oldSpec["resources"] = oldSpec["resources"] ?? new JsonObject();
            newSpec["resources"] = oldSpec["resources"]!.DeepClone();
        }
        oldSpec.Remove("volumeAttributesClassName");
        newSpec.Remove("volumeAttributesClassName");
        if (!JsonNode.DeepEquals(oldSpec, newSpec))
            errors.Add(new FieldError("spec", "FieldValueForbidden",
                "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"));
    }

    /// <summary>
    /// The PersistentVolumeClaimResize admission plugin (plugin/pkg/admission/storage/persistentvolume/resize): a bigger request
    /// is allowed only for a bound claim whose class exists and sets allowVolumeExpansion. Returns the refusal, or null.
    /// </summary>
    public static string? ResizeRefusal(JsonObject oldPvc, JsonObject newPvc, Func<string, JsonObject?> storageClass)
    {
        var oldSize = oldPvc.Path("spec.resources.requests").Str("storage");
        var newSize = newPvc.Path("spec.resources.requests").Str("storage");
        if (oldSize is null || newSize is null || Compare(newSize, oldSize) <= 0) return null;
        if (oldPvc.Path("status.phase")?.ToString() != "Bound") return "Only bound persistent volume claims can be expanded";
        var className = newPvc.Path("spec.storageClassName")?.ToString() ?? "";
        var sc = className.Length == 0 ? null : storageClass(className);
        if (sc?["allowVolumeExpansion"]?.GetValue<bool>() == true && className == (oldPvc.Path("spec.storageClassName")?.ToString() ?? "")) return null;
        return "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize";
    }

    private static void ValidateAccessModes(List<string> modes, List<FieldError> errors)
    {
        bool rwop = false, other = false;
        foreach (var mode in modes)
        {
            if (!AccessModes.Contains(mode)) errors.Add(new FieldError("spec.accessModes", "FieldValueNotSupported", "supported values: " + SupportedAccessModes, Q(mode)));
            else if (mode == "ReadWriteOncePod") rwop = true;
            else other = true;
        }
        if (rwop && other) errors.Add(new FieldError("spec.accessModes", "FieldValueForbidden", "may not use ReadWriteOncePod with other access modes"));
    }

    internal static int Compare(string a, string b) => new ResourceQuantity(a).ToDecimal().CompareTo(new ResourceQuantity(b).ToDecimal());

    private static bool Positive(string q)
    {
        try { return new ResourceQuantity(q).ToDecimal() > 0; }
        catch (FormatException) { return true; } // the decoder reports malformed quantities
    }

    private static List<string> Strings(JsonNode? node) => (node as JsonArray)?.Select(x => x?.ToString() ?? "").ToList() ?? [];

    private static string Q(string s) => Decoding.GoFormat.Quote(s);
}
