using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Storage;
using static KubeLab.Simulator.Api.Printing.TableColumn;
using KubeLab.Simulator.Api.Conversion;

namespace KubeLab.Simulator.Api.Printing;

/// <summary>The column sets of kubectl get for each kind (facts from pkg/printers/internalversion/printers.go).</summary>
public static class KindPrinters
{
    private const string None = "<none>";

    public static KindPrinter For(string kind) => kind switch
    {
        "Pod" => Pod,
        "ReplicaSet" or "ReplicationController" => ReplicaSet,
        "Deployment" => Deployment,
        "DaemonSet" => DaemonSet,
        "StatefulSet" => StatefulSet,
        "Job" => Job,
        "CronJob" => CronJob,
        "Service" => Service,
        "ConfigMap" => new([NameColumn, Int("Data"), Age], (o, now) => [o.Name(), (o["data"] as JsonObject)?.Count + (o["binaryData"] as JsonObject)?.Count ?? (o["data"] as JsonObject)?.Count ?? 0, TablePrinter.Age(o, now)]),
        "Secret" => new([NameColumn, new("Type"), Int("Data"), Age], (o, now) => [o.Name(), o.Str("type") ?? "Opaque", (o["data"] as JsonObject)?.Count ?? 0, TablePrinter.Age(o, now)]),
        "ServiceAccount" => new([NameColumn, Int("Secrets"), Age], (o, now) => [o.Name(), (o["secrets"] as JsonArray)?.Count ?? 0, TablePrinter.Age(o, now)]),
        "Namespace" => new([NameColumn, new("Status"), Age], (o, now) => [o.Name(), o.Path("status.phase")?.ToString() ?? "", TablePrinter.Age(o, now)]),
        "Node" => Node,
        "Event" => Event,
        "Endpoints" => new([NameColumn, new("Endpoints"), Age], (o, now) => [o.Name(), EndpointsText(o), TablePrinter.Age(o, now)]),
        "EndpointSlice" => new([NameColumn, new("AddressType"), new("Ports"), new("Endpoints"), Age],
            (o, now) => [o.Name(), o.Str("addressType") ?? "", SlicePorts(o), SliceEndpoints(o), TablePrinter.Age(o, now)]),
        "PersistentVolumeClaim" => new([NameColumn, new("Status"), new("Volume"), new("Capacity"), new("Access Modes"), new("StorageClass"), new("VolumeAttributesClass"), Age, Wide("VolumeMode")],
            // printers.go printPersistentVolumeClaim: a claim being deleted shows Terminating.
            (o, now) => [o.Name(), o.IsDeleting() ? "Terminating" : o.Path("status.phase")?.ToString() ?? "", o.Path("spec.volumeName")?.ToString() ?? "", o.Path("status.capacity.storage")?.ToString() ?? "",
                AccessModes(o.Path("status.accessModes")), o.Path("spec.storageClassName")?.ToString() ?? "", VolumeAttributesClass(o), TablePrinter.Age(o, now), o.Path("spec.volumeMode")?.ToString() ?? "Filesystem"]),
        "PersistentVolume" => new([NameColumn, new("Capacity"), new("Access Modes"), new("Reclaim Policy"), new("Status"), new("Claim"), new("StorageClass"), new("VolumeAttributesClass"), new("Reason"), Age, Wide("VolumeMode")],
            (o, now) => [o.Name(), o.Path("spec.capacity.storage")?.ToString() ?? "", AccessModes(o.Path("spec.accessModes")), o.Path("spec.persistentVolumeReclaimPolicy")?.ToString() ?? "Retain",
                o.IsDeleting() ? "Terminating" : o.Path("status.phase")?.ToString() ?? "", o.Path("spec.claimRef.name") is { } c ? $"{o.Path("spec.claimRef.namespace")}/{c}" : "", o.Path("spec.storageClassName")?.ToString() ?? "",
                VolumeAttributesClass(o), o.Path("status.reason")?.ToString() ?? "", TablePrinter.Age(o, now), o.Path("spec.volumeMode")?.ToString() ?? "Filesystem"]),
        "HorizontalPodAutoscaler" => Hpa,
        // printers.go printIngress / printIngressClass (formatHosts, formatPorts, ingressLoadBalancerStatusStringer without -o wide).
        "Ingress" => new([NameColumn, new("Class"), new("Hosts"), new("Address"), new("Ports"), Age],
            (o, now) => [o.Name(), o.Path("spec.ingressClassName")?.ToString() ?? None, IngressHosts(o), IngressAddress(o), (o.Path("spec.tls") as JsonArray)?.Count > 0 ? "80, 443" : "80", TablePrinter.Age(o, now)]),
        "IngressClass" => new([NameColumn, new("Controller"), new("Parameters"), Age],
            (o, now) => [o.Name(), o.Path("spec.controller")?.ToString() ?? "", o.Path("spec.parameters") is JsonObject p
                ? $"{p.Str("kind")}{(p.Str("apiGroup") is { } g ? "." + g : "")}/{p.Str("name")}" : None, TablePrinter.Age(o, now)]),
        // apiextensions-apiserver serves CRDs with the default table convertor: name and creation time (not an age).
        "CustomResourceDefinition" => new([NameColumn, new("Created At", "date", "", 0, Age.Description)],
            (o, _) => [o.Name(), o.Meta().Str("creationTimestamp") ?? ""]),
        "StorageClass" => StorageClass,
        // printers.go printRole/printClusterRole (name, creation time) and printRoleBinding/printClusterRoleBinding (SubjectsStrings).
        "Role" or "ClusterRole" => new([NameColumn, new("Created At", "date", "", 0, Age.Description)], (o, _) => [o.Name(), o.Meta().Str("creationTimestamp") ?? ""]),
        "RoleBinding" or "ClusterRoleBinding" => new([NameColumn, new("Role", "string", "", 0, "Role of the binding."), Age, Wide("Users"), Wide("Groups"), Wide("ServiceAccounts")],
            (o, now) => [o.Name(), $"{o.Path("roleRef.kind")}/{o.Path("roleRef.name")}", TablePrinter.Age(o, now), Subjects(o, "User"), Subjects(o, "Group"), Subjects(o, "ServiceAccount")]),
        // printers.go printPodDisruptionBudget, printResourceQuota, printLimitRange.
        "PodDisruptionBudget" => new([NameColumn, new("Min Available"), new("Max Unavailable"), Int("Allowed Disruptions"), Age],
            (o, now) => [o.Name(), o.Path("spec.minAvailable")?.ToString() ?? "N/A", o.Path("spec.maxUnavailable")?.ToString() ?? "N/A",
                Num(o.Path("status.disruptionsAllowed")), TablePrinter.Age(o, now)]),
        "ResourceQuota" => new([NameColumn, Age, new("Request"), new("Limit")],
            (o, now) => [o.Name(), TablePrinter.Age(o, now), QuotaColumn(o, limits: false), QuotaColumn(o, limits: true)]),
        "LimitRange" => new([NameColumn, new("Created At", "date", "", 0, Age.Description)], (o, _) => [o.Name(), o.Meta().Str("creationTimestamp") ?? ""]),
        "ControllerRevision" => new([NameColumn, new("Controller"), Int("Revision"), Age],
            (o, now) => [o.Name(), o.OwnerReferences().FirstOrDefault(r => r["controller"]?.GetValue<bool>() == true) is { } c
                ? $"{ControllerRevisionOwner(c)}/{c.Str("name")}" : None, Num(o["revision"]), TablePrinter.Age(o, now)]),
        _ => new([NameColumn, Age], (o, now) => [o.Name(), TablePrinter.Age(o, now)]),
    };

    private static string Subjects(JsonObject binding, string kind) => string.Join(", ", (binding["subjects"] as JsonArray ?? [])
        .Where(s => s.Str("kind") == kind).Select(s => kind == "ServiceAccount" ? $"{s.Str("namespace")}/{s.Str("name")}" : s.Str("name") ?? ""));
    /// <summary>printResourceQuota: "resource: used/hard" for each name in status.hard, limits.* in the LIMIT column.</summary>
    private static string QuotaColumn(JsonObject o, bool limits)
    {
        var hard = ObjectMeta.StringMap(o.Path("status.hard"));
        var used = ObjectMeta.StringMap(o.Path("status.used"));
        return string.Join(", ", hard.Keys.Order(StringComparer.Ordinal)
            .Where(k => k.StartsWith("limits.", StringComparison.Ordinal) == limits)
            .Select(k => $"{k}: {Quantity(used.GetValueOrDefault(k))}/{Quantity(hard[k])}"));
    }

    private static string Quantity(string? q) => Admission.ResourceLists.TryValue(q, out _) ? Admission.ResourceLists.Canonical(q!) : "0";

    /// <summary>printers.go: spec.volumeAttributesClassName, or &lt;unset&gt;.</summary>
    private static string VolumeAttributesClass(JsonObject o) => o.Path("spec.volumeAttributesClassName")?.ToString() is { Length: > 0 } v ? v : "<unset>";

    private static long Num(JsonNode? node) => node.Long() ?? 0;
    private static string Text(JsonNode? node, string fallback = "") => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString() ?? fallback;
    private static IEnumerable<JsonObject> Objs(JsonNode? node) => (node as JsonArray)?.OfType<JsonObject>() ?? [];

    private static string Containers(JsonObject o) => JoinOrNone(Objs(o.Path("spec.template.spec.containers")).Select(c => c.Str("name") ?? ""));
    private static string Images(JsonObject o) => JoinOrNone(Objs(o.Path("spec.template.spec.containers")).Select(c => c.Str("image") ?? ""));
    private static string JoinOrNone(IEnumerable<string> parts) { var s = string.Join(",", parts); return s.Length == 0 ? None : s; }

    private static string SelectorText(JsonNode? selector)
    {
        if (selector is null) return None;
        try
        {
            var v1 = k8s.KubernetesJson.Deserialize<k8s.Models.V1LabelSelector>(selector.ToJsonString());
            if (v1.MatchLabels is null && v1.MatchExpressions is null)
                return JoinOrNone(ObjectMeta.StringMap(selector).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
            var s = LabelSelector.FromV1(v1).ToString();
            return s.Length == 0 ? None : s;
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException) { return "<error>"; }
    }

    private static string AccessModes(JsonNode? modes)
    {
        var map = new Dictionary<string, string> { ["ReadWriteOnce"] = "RWO", ["ReadOnlyMany"] = "ROX", ["ReadWriteMany"] = "RWX", ["ReadWriteOncePod"] = "RWOP" };
        return string.Join(",", ((modes as JsonArray) ?? []).Select(m => map.GetValueOrDefault(Text(m), Text(m))));
    }

    private static readonly KindPrinter Pod = new(
        [NameColumn, new("Ready", Description: "The aggregate readiness state of this pod for accepting traffic."), new("Status", Description: "The aggregate status of the containers in this pod."),
         new("Restarts", Description: "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."), Age,
         Wide("IP"), Wide("Node"), Wide("Nominated Node"), Wide("Readiness Gates")],
        (o, now) =>
        {
            var statuses = Objs(o.Path("status.containerStatuses")).ToList();
            // Native sidecars (init containers with restartPolicy Always) count in READY and, once the pod is initialised,
            // their restarts in RESTARTS (printPod, isRestartableInitContainer).
            var sidecarNames = Objs(o.Path("spec.initContainers")).Where(c => c.Str("restartPolicy") == "Always").Select(c => c.Str("name")).ToHashSet();
            var sidecars = Objs(o.Path("status.initContainerStatuses")).Where(s => sidecarNames.Contains(s.Str("name"))).ToList();
            var total = Objs(o.Path("spec.containers")).Count() + sidecarNames.Count;
            static bool IsReady(JsonObject s) => s["ready"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
            static bool IsStarted(JsonObject s) => s["started"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
            var ready = statuses.Count(IsReady) + sidecars.Count(s => IsStarted(s) && IsReady(s));
            var counted = PodStatus(o).StartsWith("Init:", StringComparison.Ordinal) && !PodInitialized(o)
                ? Objs(o.Path("status.initContainerStatuses")).ToList()
                : sidecars.Concat(statuses).ToList();
            var restarts = counted.Sum(s => Num(s["restartCount"]));
            var restartText = restarts.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var lastRestart = counted.Select(s => ObjectMeta.ParseTime(s.Path("lastState.terminated.finishedAt")?.ToString())).Where(t => t is not null).Max();
            if (restarts > 0 && lastRestart is not null) restartText += $" ({HumanDuration.Format(now - lastRestart.Value)} ago)";
            var gates = Objs(o.Path("spec.readinessGates")).ToList();
            var gatesText = None;
            if (gates.Count > 0)
            {
                var conditions = Objs(o.Path("status.conditions")).ToList();
                var ok = gates.Count(g => conditions.Any(c => c.Str("type") == g.Str("conditionType") && c.Str("status") == "True"));
                gatesText = $"{ok}/{gates.Count}";
            }
            return [o.Name(), $"{ready}/{total}", PodStatus(o), restartText, TablePrinter.Age(o, now),
                o.Path("status.podIP")?.ToString() ?? None, o.Path("spec.nodeName")?.ToString() ?? None, o.Path("status.nominatedNodeName")?.ToString() ?? None, gatesText];
        });

    private static bool PodInitialized(JsonObject o) =>
        Objs(o.Path("status.conditions")).Any(c => c.Str("type") == "Initialized" && c.Str("status") == "True");

    /// <summary>The STATUS column logic of printPod: phase, overridden by init/container waiting or terminated reasons, then Terminating.</summary>
    public static string PodStatus(JsonObject o)
    {
        var reason = o.Path("status.reason")?.ToString() ?? o.Path("status.phase")?.ToString() ?? "";
        var initializing = false;
        var inits = Objs(o.Path("status.initContainerStatuses")).ToList();
        var initCount = Objs(o.Path("spec.initContainers")).Count();
        var sidecarNames = Objs(o.Path("spec.initContainers")).Where(c => c.Str("restartPolicy") == "Always").Select(c => c.Str("name")).ToHashSet();
        for (var i = 0; i < inits.Count; i++)
        {
            var s = inits[i];
            var term = s.Path("state.terminated") as JsonObject;
            if (term is not null && Num(term["exitCode"]) == 0) continue;
            // A started sidecar does not hold initialisation up.
            if (sidecarNames.Contains(s.Str("name")) && s["started"] is JsonValue sv && sv.TryGetValue<bool>(out var started) && started) continue;
            if (term is not null)
                reason = term.Str("reason") is { Length: > 0 } r ? "Init:" + r : term["signal"] is { } sig ? $"Init:Signal:{sig}" : $"Init:ExitCode:{Num(term["exitCode"])}";
            else if (s.Path("state.waiting.reason")?.ToString() is { Length: > 0 } w && w != "PodInitializing") reason = "Init:" + w;
            else reason = $"Init:{i}/{initCount}";
            initializing = true;
            break;
        }
        if (!initializing || PodInitialized(o))
        {
            var hasRunning = false;
            foreach (var s in Objs(o.Path("status.containerStatuses")).Reverse())
            {
                if (s.Path("state.waiting.reason")?.ToString() is { Length: > 0 } w) reason = w;
                else if (s.Path("state.terminated") is JsonObject t)
                    reason = t.Str("reason") is { Length: > 0 } r ? r : t["signal"] is { } sig ? $"Signal:{sig}" : $"ExitCode:{Num(t["exitCode"])}";
                else if (s["ready"] is JsonValue v && v.TryGetValue<bool>(out var rd) && rd && s.Path("state.running") is not null) hasRunning = true;
            }
            if (reason == "Completed" && hasRunning)
            {
                var readyCond = Objs(o.Path("status.conditions")).Any(c => c.Str("type") == "Ready" && c.Str("status") == "True");
                reason = readyCond ? "Running" : "NotReady";
            }
        }
        if (o.IsDeleting()) reason = o.Path("status.reason")?.ToString() == "NodeLost" ? "Unknown" : "Terminating";
        return reason;
    }

    private static readonly KindPrinter ReplicaSet = new(
        [NameColumn, Int("Desired"), Int("Current"), Int("Ready"), Age, Wide("Containers"), Wide("Images"), Wide("Selector")],
        (o, now) => [o.Name(), Num(o.Path("spec.replicas")), Num(o.Path("status.replicas")), Num(o.Path("status.readyReplicas")), TablePrinter.Age(o, now), Containers(o), Images(o), SelectorText(o.Path("spec.selector"))]);

    private static readonly KindPrinter Deployment = new(
        [NameColumn, new("Ready"), Int("Up-to-date"), Int("Available"), Age, Wide("Containers"), Wide("Images"), Wide("Selector")],
        (o, now) => [o.Name(), $"{Num(o.Path("status.readyReplicas"))}/{Num(o.Path("spec.replicas"))}", Num(o.Path("status.updatedReplicas")), Num(o.Path("status.availableReplicas")),
            TablePrinter.Age(o, now), Containers(o), Images(o), SelectorText(o.Path("spec.selector"))]);

    /// <summary>kubectl get sc: "standard (default)" marks the class whose is-default-class annotation is "true".</summary>
    private static readonly KindPrinter StorageClass = new(
        [NameColumn, new("Provisioner"), new("ReclaimPolicy"), new("VolumeBindingMode"), new("AllowVolumeExpansion"), Age],
        (o, now) => [ObjectMeta.StringMap(o.Path("metadata.annotations")).GetValueOrDefault("storageclass.kubernetes.io/is-default-class") == "true" ? $"{o.Name()} (default)" : o.Name(),
            o.Str("provisioner") ?? "", o.Str("reclaimPolicy") ?? "Delete", o.Str("volumeBindingMode") ?? "Immediate",
            o["allowVolumeExpansion"]?.ToString() ?? "false", TablePrinter.Age(o, now)]);

    /// <summary>The CONTROLLER column: "daemonset.apps/fluentd" – lower-case kind, group of the owner's apiVersion.</summary>
    private static string ControllerRevisionOwner(JsonObject ownerRef)
    {
        var apiVersion = ownerRef.Str("apiVersion") ?? "";
        var group = apiVersion.Contains('/') ? apiVersion[..apiVersion.IndexOf('/')] : "";
        var kind = (ownerRef.Str("kind") ?? "").ToLowerInvariant();
        return group.Length == 0 ? kind : $"{kind}.{group}";
    }

    private static readonly KindPrinter DaemonSet = new(
        [NameColumn, Int("Desired"), Int("Current"), Int("Ready"), Int("Up-to-date"), Int("Available"), new("Node Selector"), Age, Wide("Containers"), Wide("Images"), Wide("Selector")],
        (o, now) => [o.Name(), Num(o.Path("status.desiredNumberScheduled")), Num(o.Path("status.currentNumberScheduled")), Num(o.Path("status.numberReady")),
            Num(o.Path("status.updatedNumberScheduled")), Num(o.Path("status.numberAvailable")),
            JoinOrNone(ObjectMeta.StringMap(o.Path("spec.template.spec.nodeSelector")).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")),
            TablePrinter.Age(o, now), Containers(o), Images(o), SelectorText(o.Path("spec.selector"))]);

    private static readonly KindPrinter StatefulSet = new(
        [NameColumn, new("Ready"), Age, Wide("Containers"), Wide("Images")],
        (o, now) => [o.Name(), $"{Num(o.Path("status.readyReplicas"))}/{Num(o.Path("spec.replicas"))}", TablePrinter.Age(o, now), Containers(o), Images(o)]);

    private static readonly KindPrinter Job = new(
        [NameColumn, new("Status"), new("Completions"), new("Duration"), Age, Wide("Containers"), Wide("Images"), Wide("Selector")],
        (o, now) =>
        {
            var conditions = Objs(o.Path("status.conditions")).Where(c => c.Str("status") == "True").Select(c => c.Str("type")).ToList();
            var status = conditions.Contains("Complete") ? "Complete" : conditions.Contains("Failed") ? "Failed"
                : conditions.Contains("FailureTarget") ? "FailureTarget" : conditions.Contains("SuccessCriteriaMet") ? "SuccessCriteriaMet"
                : conditions.Contains("Suspended") ? "Suspended" : "Running";
            var completions = o.Path("spec.completions") is { } c ? $"{Num(o.Path("status.succeeded"))}/{Num(c)}" : $"{Num(o.Path("status.succeeded"))}/1 of {Num(o.Path("spec.parallelism"))}";
            var start = ObjectMeta.ParseTime(o.Path("status.startTime")?.ToString());
            var end = ObjectMeta.ParseTime(o.Path("status.completionTime")?.ToString());
            var duration = start is null ? "" : HumanDuration.Format((end ?? now) - start.Value);
            return [o.Name(), status, completions, duration, TablePrinter.Age(o, now), Containers(o), Images(o), SelectorText(o.Path("spec.selector"))];
        });

    private static readonly KindPrinter CronJob = new(
        [NameColumn, new("Schedule"), new("Timezone"), new("Suspend", "boolean"), Int("Active"), new("Last Schedule"), Age, Wide("Containers"), Wide("Images"), Wide("Selector")],
        (o, now) =>
        {
            var last = ObjectMeta.ParseTime(o.Path("status.lastScheduleTime")?.ToString());
            var js = o.Path("spec.jobTemplate.spec.template.spec.containers");
            return [o.Name(), Text(o.Path("spec.schedule")), o.Path("spec.timeZone")?.ToString() ?? None, o.Path("spec.suspend") is JsonValue sv && sv.TryGetValue<bool>(out var b) && b,
                (o.Path("status.active") as JsonArray)?.Count ?? 0, last is null ? None : HumanDuration.Format(now - last.Value), TablePrinter.Age(o, now),
                JoinOrNone(Objs(js).Select(c => c.Str("name") ?? "")), JoinOrNone(Objs(js).Select(c => c.Str("image") ?? "")), SelectorText(o.Path("spec.jobTemplate.spec.selector"))];
        });

    private static readonly KindPrinter Service = new(
        [NameColumn, new("Type"), new("Cluster-IP"), new("External-IP"), new("Port(s)"), Age, Wide("Selector")],
        (o, now) =>
        {
            var type = o.Path("spec.type")?.ToString() ?? "ClusterIP";
            var external = type switch
            {
                "ClusterIP" or "NodePort" => (o.Path("spec.externalIPs") as JsonArray)?.Count > 0 ? string.Join(",", ((JsonArray)o.Path("spec.externalIPs")!).Select(x => Text(x))) : None,
                "LoadBalancer" => LoadBalancerExternalIp(o),
                "ExternalName" => o.Path("spec.externalName")?.ToString() ?? None,
                _ => None,
            };
            var ports = string.Join(",", Objs(o.Path("spec.ports")).Select(p =>
                p["nodePort"] is { } np ? $"{Num(p["port"])}:{Num(np)}/{p.Str("protocol") ?? "TCP"}" : $"{Num(p["port"])}/{p.Str("protocol") ?? "TCP"}"));
            return [o.Name(), type, o.Path("spec.clusterIP")?.ToString() ?? None, external, ports.Length == 0 ? None : ports, TablePrinter.Age(o, now),
                JoinOrNone(ObjectMeta.StringMap(o.Path("spec.selector")).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"))];
        });

    /// <summary>
    /// printers/internalversion getServiceExternalIP for LoadBalancer: ingress addresses then externalIPs, else &lt;pending&gt;
    /// (the API server's table generator runs with Wide set, so the 16-character cut of client-side printing never applies).
    /// </summary>
    private static string LoadBalancerExternalIp(JsonObject o)
    {
        var ingress = string.Join(",", Objs(o.Path("status.loadBalancer.ingress")).Select(i => i.Str("ip") ?? i.Str("hostname") ?? "").Where(x => x.Length > 0));
        var all = new[] { ingress }.Concat(((o.Path("spec.externalIPs") as JsonArray) ?? []).Select(x => Text(x))).Where(x => x.Length > 0).ToList();
        return all.Count > 0 ? string.Join(",", all) : "<pending>";
    }

    private static readonly KindPrinter Node = new(
        [NameColumn, new("Status"), new("Roles"), Age, new("Version"), Wide("Internal-IP"), Wide("External-IP"), Wide("OS-Image"), Wide("Kernel-Version"), Wide("Container-Runtime")],
        (o, now) =>
        {
            var ready = Objs(o.Path("status.conditions")).FirstOrDefault(c => c.Str("type") == "Ready");
            var status = ready is null ? "Unknown" : ready.Str("status") == "True" ? "Ready" : ready.Str("status") == "False" ? "NotReady" : "Unknown";
            if (o.Path("spec.unschedulable") is JsonValue u && u.TryGetValue<bool>(out var un) && un) status += ",SchedulingDisabled";
            var roles = o.Labels().Keys.Where(k => k.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal)).Select(k => k["node-role.kubernetes.io/".Length..])
                .Concat(o.Labels().TryGetValue("kubernetes.io/role", out var r) ? [r] : []).Order(StringComparer.Ordinal).ToList();
            string Address(string type) => Objs(o.Path("status.addresses")).FirstOrDefault(a => a.Str("type") == type)?.Str("address") ?? None;
            return [o.Name(), status, roles.Count == 0 ? None : string.Join(",", roles), TablePrinter.Age(o, now), o.Path("status.nodeInfo.kubeletVersion")?.ToString() ?? "",
                Address("InternalIP"), Address("ExternalIP"), o.Path("status.nodeInfo.osImage")?.ToString() ?? "<unknown>", o.Path("status.nodeInfo.kernelVersion")?.ToString() ?? "<unknown>",
                o.Path("status.nodeInfo.containerRuntimeVersion")?.ToString() ?? "<unknown>"];
        });

    private static readonly KindPrinter Event = new(
        [new("Last Seen"), new("Type"), new("Reason"), new("Object"), Wide("Subobject"), Wide("Source"), new("Message"), Wide("First Seen"), new("Count", "integer", "", 1), Wide("Name")],
        (o, now) =>
        {
            // events.k8s.io/v1 rows print like core Events (the real printer works on the internal object).
            if (o.Str("apiVersion") == "events.k8s.io/v1") o = Conversion.EventConversion.ToCore(o);
            var first = ObjectMeta.ParseTime(o.Str("firstTimestamp")) ?? ObjectMeta.ParseTime(o.Str("eventTime")) ?? ObjectMeta.ParseTime(o.Meta().Str("creationTimestamp"));
            var last = ObjectMeta.ParseTime(o.Str("lastTimestamp")) ?? ObjectMeta.ParseTime(o.Path("series.lastObservedTime")?.ToString()) ?? first;
            var count = o["count"].Long() ?? o.Path("series.count").Long() ?? 1;
            var source = o.Path("source.component")?.ToString() ?? o.Str("reportingComponent") ?? "";
            if (o.Path("source.host")?.ToString() is { Length: > 0 } host) source += ", " + host;
            return [last is null ? "<unknown>" : HumanDuration.Format(now - last.Value), o.Str("type") ?? "", o.Str("reason") ?? "",
                $"{(o.Path("involvedObject.kind")?.ToString() ?? "").ToLowerInvariant()}/{o.Path("involvedObject.name")}",
                o.Path("involvedObject.fieldPath")?.ToString() ?? "", source, (o.Str("message") ?? "").Trim(),
                first is null ? "<unknown>" : HumanDuration.Format(now - first.Value), count, o.Name()];
        });

    // printHorizontalPodAutoscaler: NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE (status.desiredReplicas is not printed).
    private static readonly KindPrinter Hpa = new(
        [NameColumn, new("Reference"), new("Targets"), new("MinPods"), Int("MaxPods"), Int("Replicas"), Age],
        (o, now) =>
        {
            // The real printer works on the internal object, so both served versions print alike.
            if (o.Str("apiVersion") == "autoscaling/v1") o = Conversion.HorizontalPodAutoscalerV1Conversion.ToStored(o);
            return [o.Name(), $"{o.Path("spec.scaleTargetRef.kind")}/{o.Path("spec.scaleTargetRef.name")}",
                HpaTargets(Objs(o.Path("spec.metrics")).ToList(), (o.Path("status.currentMetrics") as JsonArray)?.Select(m => m as JsonObject).ToList() ?? []),
                o.Path("spec.minReplicas") is { } min ? Num(min).ToString(System.Globalization.CultureInfo.InvariantCulture) : "<unset>",
                Num(o.Path("spec.maxReplicas")), Num(o.Path("status.currentReplicas")), TablePrinter.Age(o, now)];
        });

    /// <summary>formatHPAMetrics: "current/target" per metric, statuses matched by index, at most 2 then "+ N more...".</summary>
    private static string HpaTargets(List<JsonObject> specs, List<JsonObject?> statuses)
    {
        if (specs.Count == 0) return None;
        const string Unknown = "<unknown>";
        string Q(JsonNode? n) => n is null ? "<nil>" : Text(n);
        var list = new List<string>();
        for (var i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            var status = i < statuses.Count ? statuses[i] : null;
            switch (spec.Str("type"))
            {
                case "External" or "Object":
                {
                    var key = spec.Str("type") == "External" ? "external" : "object";
                    if (spec.Path($"{key}.target.averageValue") is { } avg)
                        list.Add($"{(status?[key]?.Path("current.averageValue") is { } c ? Text(c) : Unknown)}/{Text(avg)} (avg)");
                    else
                        list.Add($"{(status?[key] is { } st ? Q(st.Path("current.value")) : Unknown)}/{Q(spec.Path($"{key}.target.value"))}");
                    break;
                }
                case "Pods":
                    list.Add($"{(status?["pods"] is { } p ? Q(p.Path("current.averageValue")) : Unknown)}/{Q(spec.Path("pods.target.averageValue"))}");
                    break;
                case "Resource" or "ContainerResource":
                {
                    var key = spec.Str("type") == "Resource" ? "resource" : "containerResource";
                    var name = spec.Path($"{key}.name")?.ToString() ?? "";
                    if (spec.Path($"{key}.target.averageValue") is { } avg)
                        list.Add($"{name}: {(status?[key] is { } st ? Q(st.Path("current.averageValue")) : Unknown)}/{Text(avg)}");
                    else
                    {
                        var current = status?[key]?.Path("current.averageUtilization") is { } u ? $"{u}%" : Unknown;
                        var target = spec.Path($"{key}.target.averageUtilization") is { } t ? $"{t}%" : "<auto>";
                        list.Add($"{name}: {current}/{target}");
                    }
                    break;
                }
                default:
                    list.Add("<unknown type>");
                    break;
            }
        }
        return list.Count > 2 ? $"{string.Join(", ", list.Take(2))} + {list.Count - 2} more..." : string.Join(", ", list);
    }

    private static string EndpointsText(JsonObject o)
    {
        var list = new List<string>();
        foreach (var subset in Objs(o["subsets"]))
            foreach (var addr in Objs(subset["addresses"]))
            {
                var ports = Objs(subset["ports"]).ToList();
                if (ports.Count == 0) list.Add(addr.Str("ip") ?? "");
                else list.AddRange(ports.Select(p => $"{addr.Str("ip")}:{Num(p["port"])}"));
            }
        // formatEndpoints: "<none>" only without subsets; subsets with no ready address print an empty cell.
        if (Objs(o["subsets"]).FirstOrDefault() is null) return None;
        return list.Count > 3 ? string.Join(",", list.Take(3)) + $" + {list.Count - 3} more..." : string.Join(",", list);
    }

    /// <summary>formatDiscoveryPorts: up to 3 port numbers (the name when the number is unset, else "*").</summary>
    private static string SlicePorts(JsonObject o) =>
        ListWithMore(Objs(o["ports"]).Select(p => p["port"] is { } n ? Num(n).ToString(System.Globalization.CultureInfo.InvariantCulture) : p.Str("name") ?? "*").ToList());

    /// <summary>formatDiscoveryEndpoints: up to 3 addresses over all endpoints.</summary>
    private static string SliceEndpoints(JsonObject o) =>
        ListWithMore(Objs(o["endpoints"]).SelectMany(e => (e["addresses"] as JsonArray ?? []).Select(a => a?.ToString() ?? "")).ToList());

    /// <summary>listWithMoreString: the first 3 joined by ",", " + N more..." after them, "&lt;unset&gt;" for none.</summary>
    private static string ListWithMore(List<string> all)
    {
        if (all.Count == 0) return "<unset>";
        var shown = string.Join(",", all.Take(3));
        return all.Count > 3 ? $"{shown} + {all.Count - 3} more..." : shown;
    }

    private static string IngressHosts(JsonObject o)
    {
        var rules = (o.Path("spec.rules") as JsonArray ?? []).OfType<JsonObject>().ToList();
        var hosts = new List<string>();
        var more = false;
        foreach (var r in rules)
        {
            if (hosts.Count == 3) more = true;
            if (!more && r.Str("host") is { Length: > 0 } h) hosts.Add(h);
        }
        if (hosts.Count == 0) return "*";
        return more ? $"{string.Join(",", hosts)} + {rules.Count - 3} more..." : string.Join(",", hosts);
    }

    private static string IngressAddress(JsonObject o)
    {
        var text = string.Join(",", (o.Path("status.loadBalancer.ingress") as JsonArray ?? []).OfType<JsonObject>().Select(i => i.Str("ip") is { Length: > 0 } ip ? ip : i.Str("hostname") ?? "").Where(s => s.Length > 0));
        return text.Length > 16 ? text[..13] + "..." : text; // loadBalancerWidth
    }
}
