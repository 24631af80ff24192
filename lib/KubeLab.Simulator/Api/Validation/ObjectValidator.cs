using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Validation;

/// <summary>The validation (pkg/apis/*/validation) the course relies on; errors use Kubernetes' field paths and wording.</summary>
public static class ObjectValidator
{
    public static List<FieldError> Validate(ResourceType t, JsonObject obj)
    {
        var errors = new List<FieldError>();
        ValidateName(t, obj, errors);
        ValidateLabels(obj, errors);
        OwnerReferenceValidation.Validate(obj, errors);
        if (t.Custom is { } custom)
        {
            CustomResources.CustomResourceStrategy.Validate(custom, obj, errors);
            return errors;
        }
        switch (t.Kind)
        {
            case "CustomResourceDefinition":
                CustomResources.CustomResourceDefinitionValidation.Validate(obj, errors);
                break;
            case "Pod":
                PodDeletionCost.Validate(obj["metadata"] as JsonObject, "metadata", errors);
                ValidatePodSpec(obj["spec"] as JsonObject, "spec", errors);
                break;
            case "ReplicaSet" or "Deployment" or "DaemonSet" or "StatefulSet":
                ValidateSelectorWorkload(obj, errors, requireSelector: true);
                ValidateLongRunningTemplate(obj, errors);
                if (t.Kind == "Deployment") DeploymentStrategyValidation.Validate(obj.Path("spec.strategy") as JsonObject, errors);
                break;
            case "ReplicationController":
                ValidateSelectorWorkload(obj, errors, requireSelector: false);
                ValidateLongRunningTemplate(obj, errors);
                break;
            case "Job":
                ValidateSelectorWorkload(obj, errors, requireSelector: true);
                JobSelectorValidation.Validate(obj, errors);
                if (obj.Path("spec.ttlSecondsAfterFinished").Long() is < 0 and var ttl)
                    errors.Add(FieldError.Invalid("spec.ttlSecondsAfterFinished", ttl.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be greater than or equal to 0"));
                if (obj.Path("spec.template.spec.restartPolicy")?.ToString() is "Always")
                    errors.Add(new FieldError("spec.template.spec.restartPolicy", "FieldValueNotSupported", "supported values: \"OnFailure\", \"Never\"", "\"Always\""));
                break;
            case "CronJob":
                CronJobScheduleValidation.Validate(obj, errors);
                PodDeletionCost.Validate(obj.Path("spec.jobTemplate.spec.template.metadata") as JsonObject, "spec.jobTemplate.spec.template", errors);
                if (obj.Path("spec.jobTemplate.spec.template.spec") is JsonObject cronPod) PodSpecFormats.Validate(cronPod, "spec.jobTemplate.spec.template.spec", errors);
                ContainerRestartPolicyValidation.Validate(obj.Path("spec.jobTemplate.spec.template.spec") as JsonObject, "spec.jobTemplate.spec.template.spec", errors);
                break;
            case "Service":
                ServiceValidation.Validate(obj, errors);
                break;
            case "ConfigMap":
                ConfigMapSecretValidation.ValidateConfigMap(obj, errors);
                break;
            case "Secret":
                ConfigMapSecretValidation.ValidateSecret(obj, errors);
                break;
            case "PersistentVolumeClaim":
                PersistentVolumeValidation.ValidateClaim(obj, errors);
                break;
            case "PersistentVolume":
                PersistentVolumeValidation.ValidateVolume(obj, errors);
                break;
            case "StorageClass":
                StorageClassValidation.Validate(obj, errors);
                break;
            case "Ingress":
                IngressValidation.Validate(obj, errors);
                break;
            case "IngressClass":
                IngressValidation.ValidateClass(obj, errors);
                break;
            case "Role" or "ClusterRole" or "RoleBinding" or "ClusterRoleBinding" when t.Group == Authorization.RbacPolicy.Group:
                Authorization.RbacValidation.Validate(t, obj, errors);
                break;
        }
        return errors;
    }

    /// <summary>The update rules of kinds whose spec is (partly) immutable: PVCs and StorageClasses.</summary>
    public static List<FieldError> ValidateUpdate(ResourceType t, JsonObject current, JsonObject next)
    {
        var errors = new List<FieldError>();
        if (t.Kind == "PersistentVolumeClaim") PersistentVolumeValidation.ValidateClaimUpdate(current, next, errors);
        if (t.Kind == "StorageClass") StorageClassValidation.ValidateUpdate(current, next, errors);
        Authorization.RbacValidation.ValidateUpdate(t, current, next, errors);
        return errors;
    }

    private static void ValidateName(ResourceType t, JsonObject obj, List<FieldError> errors)
    {
        var name = obj.Meta().Str("name");
        if (string.IsNullOrEmpty(name))
        {
            errors.Add(FieldError.Required("metadata.name", "name or generateName is required"));
            return;
        }
        // Namespaces and services need DNS-1123 labels; most other kinds DNS-1123 subdomains.
        var err = t.Kind switch
        {
            "Namespace" => LabelValidation.Dns1123LabelError(name),
            "Service" => LabelValidation.Dns1035LabelError(name),
            // RBAC names are path segments (ValidateRBACName): "system:controller:…" is valid.
            "Role" or "ClusterRole" or "RoleBinding" or "ClusterRoleBinding" when t.Group == Authorization.RbacPolicy.Group => Authorization.RbacValidation.NameError(name),
            _ => LabelValidation.Dns1123SubdomainError(name),
        };
        if (err is not null) errors.Add(FieldError.Invalid("metadata.name", Quote(name), err));
    }

    private static void ValidateLabels(JsonObject obj, List<FieldError> errors)
    {
        foreach (var (k, v) in obj.Labels())
        {
            if (LabelValidation.QualifiedNameError(k) is { } ke) errors.Add(FieldError.Invalid("metadata.labels", Quote(k), ke));
            if (LabelValidation.LabelValueError(v) is { } ve) errors.Add(FieldError.Invalid("metadata.labels", Quote(v), ve));
        }
    }

    private static void ValidatePodSpec(JsonObject? spec, string path, List<FieldError> errors, IEnumerable<string>? claimVolumes = null)
    {
        if (spec?["containers"] is not JsonArray containers || containers.Count == 0)
        {
            errors.Add(FieldError.Required($"{path}.containers"));
            return;
        }
        var names = new HashSet<string>();
        for (var i = 0; i < containers.Count; i++)
        {
            var c = containers[i] as JsonObject;
            var p = $"{path}.containers[{i}]";
            var name = c.Str("name");
            if (string.IsNullOrEmpty(name)) errors.Add(FieldError.Required($"{p}.name"));
            else if (LabelValidation.Dns1123LabelError(name) is { } ne) errors.Add(FieldError.Invalid($"{p}.name", Quote(name), ne));
            else if (!names.Add(name)) errors.Add(new FieldError($"{p}.name", "FieldValueDuplicate", $"Duplicate value: {Quote(name)}"));
            if (string.IsNullOrWhiteSpace(c.Str("image"))) errors.Add(FieldError.Required($"{p}.image"));
        }
        PodSpecFormats.Validate(spec, path, errors, claimVolumes);
        ContainerRestartPolicyValidation.Validate(spec, path, errors);
        var restart = spec.Str("restartPolicy");
        if (restart is not null and not ("Always" or "OnFailure" or "Never"))
            errors.Add(new FieldError($"{path}.restartPolicy", "FieldValueNotSupported", "supported values: \"Always\", \"Never\", \"OnFailure\"", Quote(restart)));
    }

    /// <summary>Controllers that keep pods running only accept restartPolicy Always in their template (a Job is the opposite).</summary>
    private static void ValidateLongRunningTemplate(JsonObject obj, List<FieldError> errors)
    {
        if (obj.Path("spec.template.spec.restartPolicy")?.ToString() is { } policy and not "Always")
            errors.Add(new FieldError("spec.template.spec.restartPolicy", "FieldValueNotSupported", "supported values: \"Always\"", Quote(policy)));
    }

    private static void ValidateSelectorWorkload(JsonObject obj, List<FieldError> errors, bool requireSelector)
    {
        var spec = obj["spec"] as JsonObject;
        if (spec?["replicas"].Long() is < 0 and var replicas)
            errors.Add(FieldError.Invalid("spec.replicas", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be greater than or equal to 0"));
        var selectorNode = spec?["selector"];
        var templateLabels = ObjectMeta.StringMap(spec.Path("template.metadata.labels"));
        // A StatefulSet's mounts may name its volumeClaimTemplates (they become volumes of each pod).
        var claims = (spec?["volumeClaimTemplates"] as JsonArray)?.Select(c => c.Path("metadata.name")?.ToString()).OfType<string>();
        PodDeletionCost.Validate(spec.Path("template.metadata") as JsonObject, "spec.template", errors);
        if (spec?["template"] is JsonObject tmpl && tmpl["spec"] is JsonObject tps) ValidatePodSpec(tps, "spec.template.spec", errors, claims);
        if (selectorNode is null)
        {
            if (requireSelector) errors.Add(FieldError.Required("spec.selector"));
            return;
        }
        LabelSelector selector;
        string shown;
        try
        {
            if (requireSelector)
            {
                var v1 = k8s.KubernetesJson.Deserialize<k8s.Models.V1LabelSelector>(selectorNode.ToJsonString());
                selector = LabelSelector.FromV1(v1);
                if (selector.IsEmpty)
                {
                    errors.Add(FieldError.Invalid("spec.selector", selectorNode.ToJsonString(), "empty selector is invalid for deployment"));
                    return;
                }
            }
            else selector = LabelSelector.Parse(string.Join(",", ObjectMeta.StringMap(selectorNode).Select(kv => $"{kv.Key}={kv.Value}")));
            shown = selector.ToString();
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            errors.Add(FieldError.Invalid("spec.selector", selectorNode.ToJsonString(), e.Message));
            return;
        }
        if (!selector.Matches(templateLabels))
        {
            var labels = "map[" + string.Join(" ", templateLabels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}:{kv.Value}")) + "]";
            errors.Add(FieldError.Invalid("spec.template.metadata.labels", labels, "`selector` does not match template `labels`"));
        }
        _ = shown;
    }

    /// <summary>
    /// Pods are mostly immutable (ValidatePodUpdate): only container images, activeDeadlineSeconds, added tolerations and
    /// terminationGracePeriodSeconds may change. The node is set through the binding subresource, not an update.
    /// </summary>
    public static List<FieldError> ValidatePodUpdate(JsonObject oldPod, JsonObject newPod)
    {
        static JsonObject Mutable(JsonObject pod)
        {
            var spec = pod["spec"]?.DeepClone() as JsonObject ?? new JsonObject();
            foreach (var list in new[] { "containers", "initContainers" })
                if (spec[list] is JsonArray cs)
                    foreach (var c in cs.OfType<JsonObject>()) c.Remove("image");
            spec.Remove("activeDeadlineSeconds");
            spec.Remove("terminationGracePeriodSeconds");
            spec.Remove("tolerations");
            return spec;
        }
        if (JsonNode.DeepEquals(Mutable(oldPod), Mutable(newPod))) return [];
        return [new FieldError("spec", "FieldValueForbidden",
            "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)")];
    }

    /// <summary>A bad value as field.Invalid prints it (Go's %#v of a string = strconv.Quote): only quotes, backslashes and
    /// control characters are escaped, so "+5" or "a&lt;b" read as the user typed them.</summary>
    internal static string Quote(string s)
    {
        var b = new System.Text.StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            _ = c switch
            {
                '"' => b.Append("\\\""),
                '\\' => b.Append("\\\\"),
                '\n' => b.Append("\\n"),
                '\r' => b.Append("\\r"),
                '\t' => b.Append("\\t"),
                < ' ' or '\u007f' => b.Append("\\x").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture)),
                _ => b.Append(c),
            };
        }
        return b.Append('"').ToString();
    }
}
