import Foundation
import MinoKit

StandardStreams.reopenClosed()
exit(MinoApplication.run(.process()))
