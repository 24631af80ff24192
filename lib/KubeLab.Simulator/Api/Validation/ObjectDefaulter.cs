using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Validation;

/// <summary>
/// Defaulting (SetDefaults_* in pkg/apis/*/v1/defaults.go) for the fields kubectl and the course read.
/// Add a case per kind in <see cref="Default"/> as more kinds need defaults.
/// </summary>
public static class ObjectDefaulter
{
    /// <summary>Create-time resets (strategy PrepareForCreate): status is server-owned.</summary>
    public static void PrepareForCreate(ResourceType t, JsonObject obj)
    {
        if (t.Custom is { } custom)
        {
            CustomResources.CustomResourceStrategy.PrepareForCreate(custom, obj);
            return;
        }
        switch (t.Kind)
        {
            case "CustomResourceDefinition":
                CustomResources.CustomResourceDefinitionStrategy.PrepareForCreate(obj);
                break;
            case "Pod":
                obj["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = QosClass(obj) };
                break;
            case "Namespace":
                obj["status"] = new JsonObject { ["phase"] = "Active" };
                obj["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
                break;
            case "PersistentVolumeClaim" or "PersistentVolume":
                obj["status"] = new JsonObject { ["phase"] = "Pending" }; // the PV controller moves them on (Bound / Available)
                break;
            case "ReplicaSet" or "Deployment" or "DaemonSet" or "StatefulSet" or "Job" or "CronJob" or "ReplicationController" or "HorizontalPodAutoscaler":
                obj["status"] = new JsonObject();
                break;
        }
    }

    public static void Default(ResourceType t, JsonObject obj)
    {
        if (t.Custom is { } custom)
        {
            CustomResources.CustomResourceStrategy.Default(custom, obj);
            return;
        }
        switch (t.Kind)
        {
            case "CustomResourceDefinition":
                CustomResources.CustomResourceDefinitionStrategy.Default(obj);
                break;
            case "Pod":
                if (obj["spec"] is JsonObject ps)
                {
                    DefaultPodSpec(ps);
                    DefaultRequestsFromLimits(ps);
                }
                break;
            case "LimitRange":
                Admission.LimitRanger.DefaultLimitRange(obj);
                break;
            case "Secret":
                ConfigMapSecretValidation.MergeStringData(obj);
                break;
            case "ReplicaSet" or "ReplicationController" or "Deployment" or "StatefulSet":
                if (obj["spec"] is JsonObject s)
                {
                    s["replicas"] ??= 1;
                    if (t.Kind == "ReplicationController" && s["selector"] is null && s.Path("template.metadata.labels") is JsonObject tl)
                        s["selector"] = tl.DeepClone();
                    if (s.Path("template.spec") is JsonObject tps) DefaultPodSpec(tps);
                    if (t.Kind == "Deployment") DefaultDeployment(s);
                    if (t.Kind == "StatefulSet") DefaultStatefulSet(s);
                }
                break;
            case "DaemonSet":
                if (obj["spec"] is JsonObject ds)
                {
                    if (ds.Path("template.spec") is JsonObject dps) DefaultPodSpec(dps);
                    ds["updateStrategy"] ??= new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = 1, ["maxSurge"] = 0 } };
                    ds["revisionHistoryLimit"] ??= 10;
                }
                break;
            case "Job":
                if (obj["spec"] is JsonObject js) DefaultJob(obj, js);
                break;
            case "CronJob":
                if (obj["spec"] is JsonObject cs)
                {
                    cs["concurrencyPolicy"] ??= "Allow";
                    cs["suspend"] ??= false;
                    cs["successfulJobsHistoryLimit"] ??= 3;
                    cs["failedJobsHistoryLimit"] ??= 1;
                    if (cs.Path("jobTemplate.spec.template.spec") is JsonObject cps) DefaultPodSpec(cps);
                }
                break;
            case "HorizontalPodAutoscaler":
                if (obj["spec"] is JsonObject hs)
                {
                    hs["minReplicas"] ??= 1;
                    // autoscaling/v2 defaults to 80% average CPU utilization when no metric is given.
                    hs["metrics"] ??= new JsonArray(new JsonObject
                    {
                        ["type"] = "Resource",
                        ["resource"] = new JsonObject { ["name"] = "cpu", ["target"] = new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = 80 } },
                    });
                    if (hs["behavior"] is JsonObject behavior) DefaultHpaBehavior(behavior);
                }
                break;
            case "PersistentVolumeClaim":
                if (obj["spec"] is JsonObject pvc) pvc["volumeMode"] ??= "Filesystem";
                break;
            case "StorageClass":
                StorageClassValidation.Default(obj);
                break;
            case "PersistentVolume":
                if (obj["spec"] is JsonObject pv)
                {
                    pv["volumeMode"] ??= "Filesystem";
                    pv["persistentVolumeReclaimPolicy"] ??= "Retain"; // dynamically provisioned PVs carry their class's policy instead
                }
                break;
            case "Service":
                if (obj["spec"] is JsonObject ss)
                {
                    ss["type"] ??= "ClusterIP";
                    ss["sessionAffinity"] ??= "None";
                    if (ss.Str("type") != "ExternalName")
                    {
                        ss["ipFamilies"] ??= new JsonArray("IPv4");
                        ss["ipFamilyPolicy"] ??= "SingleStack";
                        ss["internalTrafficPolicy"] ??= "Cluster";
                    }
                    // pkg/apis/core/v1/defaults.go SetDefaults_Service (1.32).
                    if (ss.Str("type") is "NodePort" or "LoadBalancer") ss["externalTrafficPolicy"] ??= "Cluster";
                    if (ss.Str("type") == "LoadBalancer") ss["allocateLoadBalancerNodePorts"] ??= true;
                    if (ss.Str("sessionAffinity") == "ClientIP")
                    {
                        if (ss["sessionAffinityConfig"] is not JsonObject sac) ss["sessionAffinityConfig"] = sac = new JsonObject();
                        if (sac["clientIP"] is not JsonObject cip) sac["clientIP"] = cip = new JsonObject();
                        cip["timeoutSeconds"] ??= 10800;
                    }
                    if (ss["ports"] is JsonArray ports)
                        foreach (var p in ports.OfType<JsonObject>())
                        {
                            p["protocol"] ??= "TCP";
                            p["targetPort"] ??= p["port"]?.DeepClone();
                        }
                }
                break;
        }
    }

    /// <summary>apps/v1 Deployment defaults: RollingUpdate 25%/25%, revisionHistoryLimit 10, progressDeadlineSeconds 600.</summary>
    private static void DefaultDeployment(JsonObject spec)
    {
        if (spec["strategy"] is not JsonObject strategy || strategy.Count == 0) spec["strategy"] = strategy = new JsonObject();
        strategy["type"] ??= "RollingUpdate";
        if (strategy.Str("type") == "RollingUpdate")
        {
            if (strategy["rollingUpdate"] is not JsonObject ru) strategy["rollingUpdate"] = ru = new JsonObject();
            ru["maxUnavailable"] ??= "25%";
            ru["maxSurge"] ??= "25%";
        }
        spec["revisionHistoryLimit"] ??= 10;
        spec["progressDeadlineSeconds"] ??= 600;
    }

    private static void DefaultStatefulSet(JsonObject spec)
    {
        spec["podManagementPolicy"] ??= "OrderedReady";
        spec["updateStrategy"] ??= new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["partition"] = 0 } };
        spec["revisionHistoryLimit"] ??= 10;
        spec["persistentVolumeClaimRetentionPolicy"] ??= new JsonObject { ["whenDeleted"] = "Retain", ["whenScaled"] = "Retain" };
    }

    /// <summary>
    /// batch/v1 Job defaults: completions/parallelism 1 when both unset, backoffLimit 6, NonIndexed, not suspended. Unless
    /// manualSelector is true the API server generates the selector (pkg/registry/batch/job/strategy.go generateSelector):
    /// the pod template gets job-name, batch.kubernetes.io/job-name (the Job's name), controller-uid and
    /// batch.kubernetes.io/controller-uid (its uid) where not already set, and the selector's matchLabels get
    /// batch.kubernetes.io/controller-uid = uid – the legacy short labels are set but not selected on.
    /// A selector the user wrote is kept and then rejected by <see cref="JobSelectorValidation"/>.
    /// </summary>
    private static void DefaultJob(JsonObject job, JsonObject spec)
    {
        if (spec["completions"] is null && spec["parallelism"] is null) { spec["completions"] = 1; spec["parallelism"] = 1; }
        spec["parallelism"] ??= 1;
        spec["backoffLimit"] ??= 6;
        spec["completionMode"] ??= "NonIndexed";
        spec["suspend"] ??= false;
        spec["podReplacementPolicy"] ??= "TerminatingOrFailed";
        if (spec.Path("template.spec") is JsonObject ps) DefaultPodSpec(ps);
        var uid = job.Uid();
        if (JobSelectorValidation.IsManual(spec) || uid is null) return;
        if (spec["template"] is not JsonObject template) spec["template"] = template = new JsonObject();
        if (template["metadata"] is not JsonObject tm) template["metadata"] = tm = new JsonObject();
        if (tm["labels"] is not JsonObject labels) tm["labels"] = labels = new JsonObject();
        foreach (var key in JobSelectorValidation.NameLabels) labels[key] ??= job.Name();
        foreach (var key in JobSelectorValidation.UidLabels) labels[key] ??= uid;
        if (spec["selector"] is not JsonObject selector) spec["selector"] = selector = new JsonObject();
        if (selector["matchLabels"] is not JsonObject matchLabels) selector["matchLabels"] = matchLabels = new JsonObject();
        matchLabels[JobSelectorValidation.ControllerUidLabel] ??= uid;
    }

    /// <summary>
    /// autoscaling/v2 fills a given behavior (only then): scaleUp 0 s window, Max of 100 % and 4 pods per 15 s; scaleDown
    /// 100 % per 15 s with no window (the controller's --horizontal-pod-autoscaler-downscale-stabilization, 300 s, applies).
    /// </summary>
    private static void DefaultHpaBehavior(JsonObject behavior)
    {
        static JsonObject Policy(string type, int value) => new() { ["type"] = type, ["value"] = value, ["periodSeconds"] = 15 };
        var up = behavior["scaleUp"] as JsonObject ?? (JsonObject)(behavior["scaleUp"] = new JsonObject());
        up["stabilizationWindowSeconds"] ??= 0;
        up["selectPolicy"] ??= "Max";
        if (up["policies"] is not JsonArray { Count: > 0 }) up["policies"] = new JsonArray(Policy("Percent", 100), Policy("Pods", 4));
        var down = behavior["scaleDown"] as JsonObject ?? (JsonObject)(behavior["scaleDown"] = new JsonObject());
        down["selectPolicy"] ??= "Max";
        if (down["policies"] is not JsonArray { Count: > 0 }) down["policies"] = new JsonArray(Policy("Percent", 100));
    }

    private static void DefaultPodSpec(JsonObject spec)
    {
        spec["restartPolicy"] ??= "Always";
        spec["dnsPolicy"] ??= "ClusterFirst";
        spec["terminationGracePeriodSeconds"] ??= 30;
        spec["schedulerName"] ??= "default-scheduler";
        spec["securityContext"] ??= new JsonObject();
        foreach (var list in new[] { "containers", "initContainers" })
        {
            if (spec[list] is not JsonArray containers) continue;
            foreach (var c in containers.OfType<JsonObject>())
            {
                var image = c.Str("image") ?? "";
                c["imagePullPolicy"] ??= HasTagLatestOrNone(image) ? "Always" : "IfNotPresent";
                c["terminationMessagePath"] ??= "/dev/termination-log";
                c["terminationMessagePolicy"] ??= "File";
                c["resources"] ??= new JsonObject();
                if (c["ports"] is JsonArray ports)
                    foreach (var p in ports.OfType<JsonObject>()) p["protocol"] ??= "TCP";
            }
        }
    }

    /// <summary>Always for ":latest" or untagged images (digests count as tagged), else IfNotPresent.</summary>
    private static bool HasTagLatestOrNone(string image)
    {
        if (image.Contains('@')) return false;
        var lastSlash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        if (colon <= lastSlash) return true;
        return image[(colon + 1)..] == "latest";
    }

    /// <summary>SetDefaults_Pod: a container with a limit but no request for a resource requests its limit.</summary>
    private static void DefaultRequestsFromLimits(JsonObject podSpec)
    {
        foreach (var field in new[] { "containers", "initContainers" })
            foreach (var c in (podSpec[field] as JsonArray)?.OfType<JsonObject>() ?? [])
            {
                if (c.Path("resources.limits") is not JsonObject { Count: > 0 } limits) continue;
                var resources = (JsonObject)c["resources"]!;
                if (resources["requests"] is not JsonObject requests) resources["requests"] = requests = new JsonObject();
                foreach (var (k, v) in limits) if (!requests.ContainsKey(k)) requests[k] = v?.DeepClone();
            }
    }

    /// <summary>QoS class (pkg/apis/core/helper/qos): Guaranteed when cpu and memory limits equal requests in every container, BestEffort with none at all.</summary>
    public static string QosClass(JsonObject pod)
    {
        var containers = (pod.Path("spec.containers") as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        containers.AddRange((pod.Path("spec.initContainers") as JsonArray)?.OfType<JsonObject>() ?? []);
        var any = false;
        var guaranteed = containers.Count > 0;
        foreach (var c in containers)
        {
            var requests = ObjectMeta.StringMap(c.Path("resources.requests"));
            var limits = ObjectMeta.StringMap(c.Path("resources.limits"));
            if (requests.Count > 0 || limits.Count > 0) any = true;
            foreach (var r in new[] { "cpu", "memory" })
            {
                if (!limits.TryGetValue(r, out var l)) { guaranteed = false; continue; }
                if (requests.TryGetValue(r, out var q) && q != l) guaranteed = false;
            }
        }
        if (!any) return "BestEffort";
        return guaranteed ? "Guaranteed" : "Burstable";
    }
}
