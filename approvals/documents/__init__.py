"""Issued documents: notices, decisions, e-certificates and payment papers, numbered, sealed and verifiable.

Entry points (see docs/documents.md):
    triggers            one call per event from the services (orders the document in their transaction)
    issuing             order / issue / supersede / revoke_document / revoke_documents_of
    verification        verify_pdf(bytes), lookup(number)
    access.may_download the one rule of who may download
    notice_links        every notification about an event with a document links the document's page
    keystore            the seals' keys and certificates (`manage.py seals`)
    pdf.render_pdf      HTML template -> PDF (also used by the demo data)
"""
