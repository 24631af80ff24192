using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Validation;

/// <summary>
/// The StorageObjectInUseProtection admission plugin (plugin/pkg/admission/storage/storageobjectinuseprotection): every new
/// PVC gets the finalizer <c>kubernetes.io/pvc-protection</c> and every new PV <c>kubernetes.io/pv-protection</c>, so a delete only
/// marks them until the pvc-protection / pv-protection controllers see them unused.
/// </summary>
public static class StorageObjectInUseProtection
{
    public const string PvcFinalizer = "kubernetes.io/pvc-protection";
    public const string PvFinalizer = "kubernetes.io/pv-protection";

    public static void Admit(ResourceType t, JsonObject obj)
    {
        var finalizer = t.Kind switch { "PersistentVolumeClaim" => PvcFinalizer, "PersistentVolume" => PvFinalizer, _ => null };
        if (finalizer is null) return;
        var finalizers = obj.Finalizers();
        if (finalizers.Contains(finalizer)) return;
        finalizers.Add(finalizer);
        obj.SetFinalizers(finalizers);
    }
}
