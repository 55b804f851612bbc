using PostingConsole.Operations;
using System.Text.Json;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.Diagnostics;

namespace PostingConsole.Api;

/// <summary>Validates the endpoint's <typeparamref name="T"/> argument; a bad one is answered 400 before the handler runs.</summary>
public sealed class ValidationFilter<T>(IValidator<T> validator) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var argument = context.Arguments.OfType<T>().FirstOrDefault();
        if (argument is null)
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["body"] = ["A JSON body is required."] });
        }

        var result = await validator.ValidateAsync(argument, context.HttpContext.RequestAborted);
        return result.IsValid ? await next(context) : Problems.Validation(result);
    }
}

public static class Problems
{
    public static IResult Validation(ValidationResult result) =>
        Validation(result.Errors
            .GroupBy(e => CamelCase(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray()));

    public static IResult Validation(IDictionary<string, string[]> errors) =>
        Results.ValidationProblem(errors, title: "The request is not valid.", detail: string.Join(" ", errors.SelectMany(e => e.Value)));

    public static IResult NotFound(string? detail) => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: detail);

    public static IResult Conflict(string? detail) => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail);

    public static IResult Forbidden(string? detail) => Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);

    /// <summary>An operation's outcome as HTTP: <paramref name="success"/> for Ok/Created, problem details otherwise.</summary>
    public static IResult Of<T>(OperationResult<T> result, Func<OperationResult<T>, IResult> success) => result.Status switch
    {
        OperationStatus.Ok or OperationStatus.Created => success(result),
        OperationStatus.NotFound => NotFound(result.Error),
        OperationStatus.Forbidden => Forbidden(result.Error),
        OperationStatus.Invalid => Validation(result.Errors!.ToDictionary()),
        _ => Conflict(result.Error),
    };

    /// <summary>A property path as the JSON names it: <c>Items[0].ImageUrl</c> → <c>items[0].imageUrl</c>.</summary>
    internal static string CamelCase(string name) =>
        string.IsNullOrEmpty(name) ? "body" : string.Join('.', name.Split('.').Select(s => s.Length == 0 ? s : char.ToLowerInvariant(s[0]) + s[1..]));
}

/// <summary>
/// A body that is not valid JSON, or whose value has the wrong type, or an unknown field: 400 problem
/// details naming the field (from the JSON path), never a 500.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest) return false;

        var field = badRequest.InnerException is JsonException json ? FieldOf(json) : "body";
        var message = badRequest.InnerException is JsonException
            ? $"{field}: the value is not valid for this field (or the field is unknown)."
            : badRequest.Message;
        httpContext.Response.StatusCode = badRequest.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails =
            {
                Status = badRequest.StatusCode,
                Title = "The request is not valid.",
                Detail = message,
                Extensions = { ["errors"] = new Dictionary<string, string[]> { [field] = [message] } },
            },
        });
    }

    private static string FieldOf(JsonException json)
    {
        var path = json.Path;
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            // Unknown members are reported with the name in the message, not the path.
            var message = json.Message;
            var start = message.IndexOf('\'');
            var end = start >= 0 ? message.IndexOf('\'', start + 1) : -1;
            return start >= 0 && end > start ? message[(start + 1)..end] : "body";
        }

        var field = path.TrimStart('$').TrimStart('.');
        return field.Length == 0 ? "body" : field;
    }
}
