namespace KubeLab.Simulator.Api.Protobuf;

/// <summary>
/// Field numbers (from k8s.io/api generated.proto) for the objects <c>kubectl create &lt;kind&gt;</c> sends as protobuf:
/// namespace, configmap, secret, serviceaccount, deployment, service, job, cronjob, poddisruptionbudget, resourcequota; kubectl autoscale's autoscaling/v1 HPA; TokenRequest and the authentication reviews. Fields not listed are skipped.
/// </summary>
internal static class ProtoSchemas
{
    private static ProtoField S(string json) => new(json, ProtoKind.String);
    private static ProtoField Strings(string json) => new(json, ProtoKind.String, Repeated: true);
    private static ProtoField I(string json) => new(json, ProtoKind.Int);
    private static ProtoField B(string json) => new(json, ProtoKind.Bool);
    private static ProtoField M(string json, string message, bool repeated = false) => new(json, ProtoKind.Message, repeated, message);
    private static ProtoField MapSS(string json) => new(json, ProtoKind.MapStringString);

    public static readonly Dictionary<string, Dictionary<int, ProtoField>> Messages = new()
    {
        ["ObjectMeta"] = new() { [1] = S("name"), [2] = S("generateName"), [3] = S("namespace"), [11] = MapSS("labels"), [12] = MapSS("annotations"), [14] = Strings("finalizers") },
        ["Namespace"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("spec", "NamespaceSpec") },
        ["NamespaceSpec"] = new() { [1] = Strings("finalizers") },
        ["ConfigMap"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = MapSS("data"), [3] = new("binaryData", ProtoKind.MapStringBytes), [4] = B("immutable") },
        ["Secret"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = new("data", ProtoKind.MapStringBytes), [3] = S("type"), [4] = MapSS("stringData"), [5] = B("immutable") },
        // authentication/v1 (kubectl create token, kubectl auth whoami).
        ["TokenRequest"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("spec", "TokenRequestSpec") },
        ["TokenRequestSpec"] = new() { [1] = Strings("audiences"), [3] = M("boundObjectRef", "BoundObjectReference"), [4] = I("expirationSeconds") },
        ["BoundObjectReference"] = new() { [1] = S("kind"), [2] = S("apiVersion"), [3] = S("name"), [4] = S("uid") },
        ["SelfSubjectReview"] = new() { [1] = M("metadata", "ObjectMeta") },
        ["TokenReview"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("spec", "TokenReviewSpec") },
        ["TokenReviewSpec"] = new() { [1] = S("token"), [2] = Strings("audiences") },
        ["ServiceAccount"] = new() { [1] = M("metadata", "ObjectMeta"), [4] = B("automountServiceAccountToken") },
        ["Deployment"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("spec", "DeploymentSpec") },
        ["DeploymentSpec"] = new()
        {
            [1] = I("replicas"), [2] = M("selector", "LabelSelector"), [3] = M("template", "PodTemplateSpec"), [4] = M("strategy", "DeploymentStrategy"),
            [5] = I("minReadySeconds"), [6] = I("revisionHistoryLimit"), [7] = B("paused"), [9] = I("progressDeadlineSeconds"),
        },
        ["DeploymentStrategy"] = new() { [1] = S("type"), [2] = M("rollingUpdate", "RollingUpdateDeployment") },
        ["RollingUpdateDeployment"] = new() { [1] = new("maxUnavailable", ProtoKind.IntOrString), [2] = new("maxSurge", ProtoKind.IntOrString) },
        ["LabelSelector"] = new() { [1] = MapSS("matchLabels"), [2] = M("matchExpressions", "LabelSelectorRequirement", repeated: true) },
        ["LabelSelectorRequirement"] = new() { [1] = S("key"), [2] = S("operator"), [3] = Strings("values") },
        ["PodTemplateSpec"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("spec", "PodSpec") },
        ["PodSpec"] = new()
        {
            [2] = M("containers", "Container", repeated: true), [3] = S("restartPolicy"), [4] = I("terminationGracePeriodSeconds"), [5] = I("activeDeadlineSeconds"),
            [6] = S("dnsPolicy"), [7] = MapSS("nodeSelector"), [8] = S("serviceAccountName"), [10] = S("nodeName"), [19] = S("schedulerName"),
            [20] = M("initContainers", "Container", repeated: true),
        },
        ["Container"] = new()
        {
            [1] = S("name"), [2] = S("image"), [3] = Strings("command"), [4] = Strings("args"), [5] = S("workingDir"),
            [6] = M("ports", "ContainerPort", repeated: true), [7] = M("env", "EnvVar", repeated: true), [8] = M("resources", "ResourceRequirements"),
            [13] = S("terminationMessagePath"), [14] = S("imagePullPolicy"),
        },
        ["ContainerPort"] = new() { [1] = S("name"), [2] = I("hostPort"), [3] = I("containerPort"), [4] = S("protocol"), [5] = S("hostIP") },
        ["EnvVar"] = new() { [1] = S("name"), [2] = S("value") },
        ["ResourceRequirements"] = new() { [1] = new("limits", ProtoKind.Quantity), [2] = new("requests", ProtoKind.Quantity) },
        ["Service"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("spec", "ServiceSpec") },
        ["ServiceSpec"] = new()
        {
            [1] = M("ports", "ServicePort", repeated: true), [2] = MapSS("selector"), [3] = S("clusterIP"), [4] = S("type"), [5] = Strings("externalIPs"),
            [7] = S("sessionAffinity"), [8] = S("loadBalancerIP"), [9] = Strings("loadBalancerSourceRanges"), [10] = S("externalName"),
            [11] = S("externalTrafficPolicy"), [12] = I("healthCheckNodePort"), [13] = B("publishNotReadyAddresses"),
            [14] = M("sessionAffinityConfig", "SessionAffinityConfig"), [17] = S("ipFamilyPolicy"), [18] = Strings("clusterIPs"), [19] = Strings("ipFamilies"),
            [20] = B("allocateLoadBalancerNodePorts"), [21] = S("loadBalancerClass"), [22] = S("internalTrafficPolicy"),
        },
        ["ServicePort"] = new() { [1] = S("name"), [2] = S("protocol"), [3] = I("port"), [4] = new("targetPort", ProtoKind.IntOrString), [5] = I("nodePort"), [6] = S("appProtocol") },
        ["SessionAffinityConfig"] = new() { [1] = M("clientIP", "ClientIPConfig") },
        ["ClientIPConfig"] = new() { [1] = I("timeoutSeconds") },
        ["Job"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("spec", "JobSpec") },
        ["JobSpec"] = new()
        {
            [1] = I("parallelism"), [2] = I("completions"), [3] = I("activeDeadlineSeconds"), [4] = M("selector", "LabelSelector"), [5] = B("manualSelector"),
            [6] = M("template", "PodTemplateSpec"), [7] = I("backoffLimit"), [8] = I("ttlSecondsAfterFinished"), [9] = S("completionMode"), [10] = B("suspend"),
        },
        ["CronJob"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("spec", "CronJobSpec") },
        ["CronJobSpec"] = new()
        {
            [1] = S("schedule"), [2] = I("startingDeadlineSeconds"), [3] = S("concurrencyPolicy"), [4] = B("suspend"), [5] = M("jobTemplate", "JobTemplateSpec"),
            [6] = I("successfulJobsHistoryLimit"), [7] = I("failedJobsHistoryLimit"), [8] = S("timeZone"),
        },
        ["JobTemplateSpec"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("spec", "JobSpec") },
        // autoscaling/v1 (what kubectl autoscale posts); v2 HPAs are only ever sent as JSON by kubectl.
        // kubectl create pdb / create quota (k8s.io/api policy/v1 and core/v1 generated.proto).
        ["PodDisruptionBudget"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("spec", "PodDisruptionBudgetSpec") },
        ["PodDisruptionBudgetSpec"] = new()
        {
            [1] = new("minAvailable", ProtoKind.IntOrString), [2] = M("selector", "LabelSelector"), [3] = new("maxUnavailable", ProtoKind.IntOrString),
            [4] = S("unhealthyPodEvictionPolicy"),
        },
        ["ResourceQuota"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("spec", "ResourceQuotaSpec") },
        ["ResourceQuotaSpec"] = new() { [1] = new("hard", ProtoKind.Quantity), [2] = Strings("scopes") },
        ["HorizontalPodAutoscaler"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("spec", "HorizontalPodAutoscalerSpecV1") },
        ["HorizontalPodAutoscalerSpecV1"] = new()
        {
            [1] = M("scaleTargetRef", "CrossVersionObjectReference"), [2] = I("minReplicas"), [3] = I("maxReplicas"), [4] = I("targetCPUUtilizationPercentage"),
        },
        ["CrossVersionObjectReference"] = new() { [1] = S("kind"), [2] = S("name"), [3] = S("apiVersion") },
        // rbac.authorization.k8s.io/v1 (kubectl create role|clusterrole|rolebinding|clusterrolebinding).
        ["Role"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("rules", "PolicyRule", repeated: true) },
        ["ClusterRole"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("rules", "PolicyRule", repeated: true), [3] = M("aggregationRule", "AggregationRule") },
        ["PolicyRule"] = new() { [1] = Strings("verbs"), [2] = Strings("apiGroups"), [3] = Strings("resources"), [4] = Strings("resourceNames"), [5] = Strings("nonResourceURLs") },
        ["AggregationRule"] = new() { [1] = M("clusterRoleSelectors", "LabelSelector", repeated: true) },
        ["RoleBinding"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("subjects", "Subject", repeated: true), [3] = M("roleRef", "RoleRef") },
        ["ClusterRoleBinding"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("subjects", "Subject", repeated: true), [3] = M("roleRef", "RoleRef") },
        ["Subject"] = new() { [1] = S("kind"), [2] = S("apiGroup"), [3] = S("name"), [4] = S("namespace") },
        ["RoleRef"] = new() { [1] = S("apiGroup"), [2] = S("kind"), [3] = S("name") },
        // authorization.k8s.io/v1 (kubectl auth can-i).
        ["SelfSubjectAccessReview"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("spec", "SelfSubjectAccessReviewSpec") },
        ["SelfSubjectAccessReviewSpec"] = new() { [1] = M("resourceAttributes", "ResourceAttributes"), [2] = M("nonResourceAttributes", "NonResourceAttributes") },
        ["ResourceAttributes"] = new() { [1] = S("namespace"), [2] = S("verb"), [3] = S("group"), [4] = S("version"), [5] = S("resource"), [6] = S("subresource"), [7] = S("name") },
        ["NonResourceAttributes"] = new() { [1] = S("path"), [2] = S("verb") },
        ["SubjectAccessReview"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("spec", "SubjectAccessReviewSpec") },
        ["LocalSubjectAccessReview"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("spec", "SubjectAccessReviewSpec") },
        ["SubjectAccessReviewSpec"] = new()
        {
            [1] = M("resourceAttributes", "ResourceAttributes"), [2] = M("nonResourceAttributes", "NonResourceAttributes"), [3] = S("user"), [4] = Strings("groups"), [6] = S("uid"),
        },
        ["SelfSubjectRulesReview"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("spec", "SelfSubjectRulesReviewSpec") },
        ["SelfSubjectRulesReviewSpec"] = new() { [1] = S("namespace") },
    };
}
