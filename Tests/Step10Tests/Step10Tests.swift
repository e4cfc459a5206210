@testable import step10
