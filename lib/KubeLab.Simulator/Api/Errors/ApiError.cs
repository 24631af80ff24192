using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;

namespace KubeLab.Simulator.Api.Errors;

/// <summary>An error the API server answers with a <c>kind: Status</c> body (apimachinery's StatusError).</summary>
public sealed class ApiError(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;
    public string Reason { get; } = reason;
    public JsonObject? Details { get; } = details;

    public JsonObject ToStatus() => StatusBody(Code, Reason, Message, Details);

    public static JsonObject StatusBody(int code, string reason, string message, JsonObject? details)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(),
            ["status"] = "Failure", ["message"] = message, ["reason"] = reason,
        };
        if (details is not null) status["details"] = details;
        status["code"] = code;
        return status;
    }

    private static JsonObject Details_(ResourceType t, string? name)
    {
        var d = new JsonObject();
        if (name is not null) d["name"] = name;
        d["group"] = t.Group;
        d["kind"] = t.Plural;
        return d;
    }

    public static ApiError NotFound(ResourceType t, string name)
        => new(404, "NotFound", $"{t.QualifiedName} \"{name}\" not found", Details_(t, name));

    public static ApiError AlreadyExists(ResourceType t, string name)
        => new(409, "AlreadyExists", $"{t.QualifiedName} \"{name}\" already exists", Details_(t, name));

    public static ApiError Conflict(ResourceType t, string name)
        => new(409, "Conflict", $"Operation cannot be fulfilled on {t.QualifiedName} \"{name}\": the object has been modified; please apply your changes to the latest version and try again", Details_(t, name));

    public static ApiError Conflict(ResourceType t, string name, string why)
        => new(409, "Conflict", $"Operation cannot be fulfilled on {t.QualifiedName} \"{name}\": {why}", Details_(t, name));

    public static ApiError BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiError UnknownResource() => new(404, "NotFound", "the server could not find the requested resource", new JsonObject());

    public static ApiError MethodNotAllowed(string message = "the server does not allow this method on the requested resource")
        => new(405, "MethodNotAllowed", message, new JsonObject());

    public static ApiError UnsupportedMediaType(string contentType)
        => new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (got \"{contentType}\")");

    public static ApiError Forbidden(ResourceType t, string name, string why)
        => new(403, "Forbidden", $"{t.QualifiedName} \"{name}\" is forbidden: {why}", Details_(t, name));

    public static ApiError NamespaceNotFound(string ns)
        => new(404, "NotFound", $"namespaces \"{ns}\" not found", new JsonObject { ["name"] = ns, ["kind"] = "namespaces" });

    /// <summary>
    /// 422 Invalid: <c>Pod "x" is invalid: spec.containers: Required value</c> with one cause per field error. The message names
    /// the group-qualified kind (<c>Deployment.apps "x" is invalid</c>); kubectl rewrites it to "The Deployment "x" is invalid".
    /// </summary>
    public static ApiError Invalid(ResourceType t, string name, IReadOnlyList<FieldError> errors)
    {
        var text = errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors.Select(e => e.ToString())) + "]";
        var causes = new JsonArray();
        foreach (var e in errors)
            causes.Add(new JsonObject { ["reason"] = e.Type, ["message"] = e.Message, ["field"] = e.Field });
        var d = Details_(t, name);
        d["kind"] = t.Kind;
        d["causes"] = causes;
        var qualifiedKind = t.Group.Length == 0 ? t.Kind : $"{t.Kind}.{t.Group}";
        return new ApiError(422, "Invalid", $"{qualifiedKind} \"{name}\" is invalid: {text}", d);
    }

    public static ApiError Expired(string message) => new(410, "Expired", message);
}

/// <summary>One field error (field.Error): type like <c>FieldValueRequired</c> and its printed text.</summary>
public sealed record FieldError(string Field, string Type, string Detail, string? BadValue = null)
{
    public string Message => Type switch
    {
        "FieldValueRequired" => Detail.Length == 0 ? "Required value" : $"Required value: {Detail}",
        "FieldValueInvalid" or "FieldValueTypeInvalid" => $"Invalid value: {BadValue}: {Detail}",
        "FieldValueTooLong" => $"Too long: {Detail}",
        "FieldValueTooMany" => $"Too many: {BadValue}: {Detail}",
        "FieldValueNotSupported" => $"Unsupported value: {BadValue}: {Detail}",
        "FieldValueForbidden" => $"Forbidden: {Detail}",
        _ => Detail,
    };

    public override string ToString() => $"{Field}: {Message}";

    public static FieldError Required(string field, string detail = "") => new(field, "FieldValueRequired", detail);
    public static FieldError Invalid(string field, string badValueJson, string detail) => new(field, "FieldValueInvalid", detail, badValueJson);
}
