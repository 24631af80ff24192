using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Validation;

/// <summary>pkg/apis/storage/validation ValidateStorageClass / ValidateStorageClassUpdate (1.32) and the class's defaults.</summary>
internal static class StorageClassValidation
{
    /// <summary>pkg/apis/storage/v1/defaults.go: reclaimPolicy Delete, volumeBindingMode Immediate.</summary>
    public static void Default(JsonObject sc)
    {
        sc["reclaimPolicy"] ??= "Delete";
        sc["volumeBindingMode"] ??= "Immediate";
    }

    public static void Validate(JsonObject sc, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty(sc.Str("provisioner"))) errors.Add(FieldError.Required("provisioner"));
        else if (LabelValidation.QualifiedNameError(sc.Str("provisioner")!) is { } e) errors.Add(FieldError.Invalid("provisioner", Q(sc.Str("provisioner")!), e));
        if (sc.Str("reclaimPolicy") is { } policy && policy is not ("Delete" or "Retain"))
            errors.Add(new FieldError("reclaimPolicy", "FieldValueNotSupported", "supported values: \"Delete\", \"Retain\"", Q(policy)));
        if (sc.Str("volumeBindingMode") is { } mode && mode is not ("Immediate" or "WaitForFirstConsumer"))
            errors.Add(new FieldError("volumeBindingMode", "FieldValueNotSupported", "supported values: \"Immediate\", \"WaitForFirstConsumer\"", Q(mode)));
    }

    public static void ValidateUpdate(JsonObject oldSc, JsonObject newSc, List<FieldError> errors)
    {
        if (!JsonNode.DeepEquals(oldSc["parameters"], newSc["parameters"]))
            errors.Add(new FieldError("parameters", "FieldValueForbidden", "updates to parameters are forbidden."));
        if (oldSc.Str("provisioner") != newSc.Str("provisioner"))
            errors.Add(new FieldError("provisioner", "FieldValueForbidden", "updates to provisioner are forbidden."));
        if (oldSc.Str("reclaimPolicy") != newSc.Str("reclaimPolicy"))
            errors.Add(new FieldError("reclaimPolicy", "FieldValueForbidden", "updates to reclaimPolicy are forbidden."));
        if (oldSc.Str("volumeBindingMode") != newSc.Str("volumeBindingMode"))
            errors.Add(FieldError.Invalid("volumeBindingMode", Q(newSc.Str("volumeBindingMode") ?? ""), "field is immutable"));
    }

    private static string Q(string s) => Decoding.GoFormat.Quote(s);
}
