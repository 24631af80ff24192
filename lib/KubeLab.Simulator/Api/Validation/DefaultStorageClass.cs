using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Validation;

/// <summary>
/// The DefaultStorageClass admission plugin: a PVC created without spec.storageClassName (absent, not "") gets the class
/// annotated <c>storageclass.kubernetes.io/is-default-class: "true"</c> – on kind that is "standard". An explicit ""
/// means "no class" and is left alone.
/// </summary>
public static class DefaultStorageClass
{
    public const string IsDefaultAnnotation = "storageclass.kubernetes.io/is-default-class";

    public static void Admit(ObjectStore store, JsonObject pvc)
    {
        if (pvc["spec"] is not JsonObject spec || spec.ContainsKey("storageClassName")) return;
        var classes = ResourceRegistry.ForKind("StorageClass");
        // Several defaults: the newest wins (as since Kubernetes 1.26).
        var chosen = store.List(classes, null).Items
            .Where(c => ObjectMeta.StringMap(c.Path("metadata.annotations")).GetValueOrDefault(IsDefaultAnnotation) == "true")
            .OrderByDescending(c => c.Meta().Str("creationTimestamp"), StringComparer.Ordinal)
            .FirstOrDefault();
        if (chosen is not null) spec["storageClassName"] = chosen.Name();
    }
}
