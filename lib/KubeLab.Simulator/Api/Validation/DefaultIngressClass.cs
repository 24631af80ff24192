using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Validation;

/// <summary>
/// The DefaultIngressClass admission plugin (plugin/pkg/admission/network/defaultingressclass): an Ingress created without
/// spec.ingressClassName and without the legacy <c>kubernetes.io/ingress.class</c> annotation gets the IngressClass annotated
/// <c>ingressclass.kubernetes.io/is-default-class: "true"</c> (the newest if several) – with cloud-provider-kind that is
/// <c>cloud-provider-kind</c>.
/// </summary>
public static class DefaultIngressClass
{
    public const string IsDefaultAnnotation = "ingressclass.kubernetes.io/is-default-class";

    public static void Admit(ObjectStore store, JsonObject ingress)
    {
        if (ingress["spec"] is not JsonObject spec || spec["ingressClassName"] is not null) return;
        if (ObjectMeta.StringMap(ingress.Path("metadata.annotations")).ContainsKey("kubernetes.io/ingress.class")) return;
        var classes = ResourceRegistry.ForKind("IngressClass");
        var chosen = store.List(classes, null).Items
            .Where(c => ObjectMeta.StringMap(c.Path("metadata.annotations")).GetValueOrDefault(IsDefaultAnnotation) == "true")
            .OrderByDescending(c => c.Meta().Str("creationTimestamp"), StringComparer.Ordinal)
            .FirstOrDefault();
        if (chosen is not null) spec["ingressClassName"] = chosen.Name();
    }
}
