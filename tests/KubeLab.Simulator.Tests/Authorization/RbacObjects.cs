namespace KubeLab.Simulator.Tests.Authorization;

/// <summary>JSON for Roles, ClusterRoles and bindings in tests.</summary>
public static class RbacObjects
{
    public const string Rbac = "/apis/rbac.authorization.k8s.io/v1";

    private static string List(params string[] values) => "[" + string.Join(",", values.Select(v => $"\"{v}\"")) + "]";

    public static string Rule(string[] verbs, string[] groups, string[] resources, string[]? names = null)
        => "{\"verbs\":" + List(verbs) + ",\"apiGroups\":" + List(groups) + ",\"resources\":" + List(resources) + (names is null ? "" : ",\"resourceNames\":" + List(names)) + "}";

    public static string UrlRule(string[] verbs, params string[] urls) => $$$"""{"verbs":{{{List(verbs)}}},"nonResourceURLs":{{{List(urls)}}}}""";

    public static string Role(string name, params string[] rules)
        => $$$"""{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"{{{name}}}"},"rules":[{{{string.Join(",", rules)}}}]}""";

    public static string ClusterRole(string name, string labels, params string[] rules)
        => $$$"""{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"{{{name}}}","labels":{{{{labels}}}}},"rules":[{{{string.Join(",", rules)}}}]}""";

    public static string User(string name) => $$$"""{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"{{{name}}}"}""";
    public static string Group(string name) => $$$"""{"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"{{{name}}}"}""";
    public static string ServiceAccount(string name, string? ns = null) => ns is null
        ? $$$"""{"kind":"ServiceAccount","name":"{{{name}}}"}""" : $$$"""{"kind":"ServiceAccount","name":"{{{name}}}","namespace":"{{{ns}}}"}""";

    public static string RoleBinding(string name, string roleKind, string role, params string[] subjects)
        => $$$"""{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"{{{name}}}"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"{{{roleKind}}}","name":"{{{role}}}"},"subjects":[{{{string.Join(",", subjects)}}}]}""";

    public static string ClusterRoleBinding(string name, string role, params string[] subjects)
        => $$$"""{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"{{{name}}}"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"{{{role}}}"},"subjects":[{{{string.Join(",", subjects)}}}]}""";
}
