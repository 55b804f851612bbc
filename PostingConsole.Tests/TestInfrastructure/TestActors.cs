using PostingConsole.Security;
using PostingConsole.Domain;

namespace PostingConsole.Tests.TestInfrastructure;

/// <summary>Who a test acts as when it calls the operations directly.</summary>
public static class TestActors
{
    public static readonly Actor Admin = new("test-admin", Roles.Admin, "test");
    public static readonly Actor Operator = new("test-operator", Roles.Operator, "test");
    public static readonly Actor Viewer = new("test-viewer", Roles.Viewer, "test");
}
